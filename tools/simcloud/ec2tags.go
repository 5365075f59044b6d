package simcloud

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// EC2 tags as pulumi-aws v6 manages them (aws:ec2/tag:Tag, Terraform's aws_ec2_tag) and as
// EC2 keeps them. A subnet holds one value per key, whoever wrote it, so a Tag is not an
// object of its own that each stack creates and deletes apart from the others:
//
//   - Create is CreateTags: it overwrites the key's value, whoever wrote it (another
//     stack, the VPC module, a person in the console). The id is "<resource id>,<key>".
//   - Read is DescribeTags on the key: the value the subnet holds now, whoever wrote it;
//     nothing when the key is gone (the engine then drops the Tag from the state).
//   - Update (a new value) is CreateTags again.
//   - Delete is DeleteTags with the key and the value in the Tag's state. EC2 deletes a
//     key given with a value only while it holds that value: a key that holds the same
//     value goes for everyone who relied on it; a key someone rewrote with another
//     value stays.
//
// So a tag key exists once however many stacks created it: replay counts it as 0 or 1,
// never one per create, and one delete that matches removes it.
//
// Sources (read 2026-12-07): terraform-provider-aws internal/service/ec2, whose tags are
// generated with `-TagOp=CreateTags … -UntagOp=DeleteTags -UntagInNeedTagType
// -UntagInTagsElem=Tags` (DeleteTags is sent Tag structs, key and value) and whose
// aws_ec2_tag deletes {key: value from the state} and drops itself from the state when
// DescribeTags finds no key; the EC2 API reference of DeleteTags: "If you specify a tag
// key with a value, the tag is deleted only if its value matches the specified value."

const (
	typTag = "aws:ec2/tag:Tag"
	// opDriftTag journals a tag written out of band (Drift.Tag): the VPC module or a
	// person tagged the subnet, before or beside the platform.
	opDriftTag = "drift-tag"
	// tagKept is the detail of a Tag delete whose DeleteTags left the key: it held
	// another value than the one in the Tag's state.
	tagKept = "DeleteTags: the key holds another value; tag kept"
)

// TagDrift is a tag written out of band with CreateTags.
type TagDrift struct {
	ResourceID string `json:"resourceId"`
	Key        string `json:"key"`
	Value      string `json:"value"`
}

func tagID(resourceID, key string) string { return resourceID + "," + key }

// replayTag applies one journal entry of a tag to w: present (1) after any CreateTags,
// absent (0) after a delete that removed the key.
func replayTag(w *world, e Entry) {
	k := e.Type + "\x00" + e.ID
	switch e.Op {
	case "create":
		w.creates[e.Type]++
		if e.Error == "" {
			w.count[k] = 1
			w.cluster[k] = e.Cluster
		}
	case opDriftTag:
		w.count[k] = 1
	case "delete":
		if e.Error == "" && e.Detail != tagKept {
			w.count[k] = 0
		}
	case opDriftDelete:
		w.count[k] = 0
	}
}

// tagDeleteDetail is the detail of a Tag's delete, which is DeleteTags with the key and
// the state's value: tagKept when the cloud holds another value for the key (the key
// stays), "" when it is removed. It must run under locked.
func tagDeleteDetail(state resource.PropertyMap, id string, v view) string {
	if v.l == nil {
		return ""
	}
	o, ok := v.l.getObject(typTag, id)
	if !ok {
		return ""
	}
	props, err := decodeMap(o.Props)
	if err != nil || str(props, "value") == str(state, "value") {
		return ""
	}
	return tagKept
}

// applyTagDrift writes the tags of d as CreateTags would; it must run under locked.
func (s *Server) applyTagDrift(tags []TagDrift, t int64) error {
	for _, tg := range tags {
		if tg.ResourceID == "" || tg.Key == "" {
			return fmt.Errorf("simcloud: SIMCLOUD_DRIFT: a tag needs resourceId and key, got %+v", tg)
		}
		m := resource.NewPropertyMapFromMap(map[string]any{"resourceId": tg.ResourceID, "key": tg.Key, "value": tg.Value})
		b, err := encodeMap(m)
		if err != nil {
			return err
		}
		id := tagID(tg.ResourceID, tg.Key)
		if err := s.ledger.putObject(object{Type: typTag, ID: id, Inputs: b, Props: b}); err != nil {
			return err
		}
		if err := s.ledger.append(Entry{Op: opDriftTag, Type: typTag, Name: id, StartMS: t, EndMS: t, ID: id,
			Detail: "tagged out of band: " + tg.Key + "=" + tg.Value}); err != nil {
			return err
		}
	}
	return nil
}

// Tags is what DescribeTags shows in the simulated cloud whose journal is at path: the
// value of every tag key, by resource id. Tests read it after a run.
func Tags(journalPath string) (map[string]map[string]string, error) {
	l := newLedger(journalPath)
	out := map[string]map[string]string{}
	err := l.locked(func() error {
		v, err := l.load()
		if err != nil {
			return err
		}
		for _, id := range v.ids(typTag) {
			o, ok := l.getObject(typTag, id)
			if !ok {
				return fmt.Errorf("simcloud: tag %s exists but has no stored value", id)
			}
			props, err := decodeMap(o.Props)
			if err != nil {
				return err
			}
			rid, key, _ := strings.Cut(id, ",")
			if out[rid] == nil {
				out[rid] = map[string]string{}
			}
			out[rid][key] = str(props, "value")
		}
		return nil
	})
	return out, err
}
