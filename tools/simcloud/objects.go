package simcloud

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/structpb"
)

// object is what the simulated cloud holds for one live resource: the inputs
// it was last created or updated with and the properties it returned, with any
// out-of-band change (drift.go) applied. Read reports it, as a real provider
// reports what the cloud API says rather than what the engine remembers.
//
// Objects live beside the journal in "<journal>.objects/", one JSON file per
// type and id, so every plugin process (and a later run) sees the same cloud;
// without a journal they stay in memory.
type object struct {
	Type   string          `json:"type"`
	ID     string          `json:"id"`
	URN    string          `json:"urn"`
	Inputs json.RawMessage `json:"inputs"`
	Props  json.RawMessage `json:"props"`
}

func objectKey(typ, id string) string {
	h := sha256.Sum256([]byte(typ + "\x00" + id))
	return hex.EncodeToString(h[:12])
}

func (l *ledger) objectPath(typ, id string) string {
	return filepath.Join(l.path+".objects", objectKey(typ, id)+".json")
}

func encodeMap(m resource.PropertyMap) (json.RawMessage, error) {
	s, err := marshal(m)
	if err != nil {
		return nil, err
	}
	return protojson.Marshal(s)
}

func decodeMap(b json.RawMessage) (resource.PropertyMap, error) {
	if len(b) == 0 {
		return resource.PropertyMap{}, nil
	}
	var s structpb.Struct
	if err := protojson.Unmarshal(b, &s); err != nil {
		return nil, err
	}
	return unmarshal(&s)
}

// putObject records the object's current inputs and properties; it must run under locked.
func (l *ledger) putObject(o object) error {
	if l.path == "" {
		if l.objects == nil {
			l.objects = map[string]object{}
		}
		l.objects[objectKey(o.Type, o.ID)] = o
		return nil
	}
	if err := os.MkdirAll(l.path+".objects", 0o755); err != nil {
		return err
	}
	b, err := json.Marshal(o)
	if err != nil {
		return err
	}
	tmp := l.objectPath(o.Type, o.ID) + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, l.objectPath(o.Type, o.ID))
}

// getObject returns the stored object; it must run under locked.
func (l *ledger) getObject(typ, id string) (object, bool) {
	if l.path == "" {
		o, ok := l.objects[objectKey(typ, id)]
		return o, ok
	}
	b, err := os.ReadFile(l.objectPath(typ, id))
	if err != nil {
		return object{}, false
	}
	var o object
	if json.Unmarshal(b, &o) != nil {
		return object{}, false
	}
	return o, true
}

// dropObject forgets the object; it must run under locked.
func (l *ledger) dropObject(typ, id string) {
	if l.path == "" {
		delete(l.objects, objectKey(typ, id))
		return
	}
	_ = os.Remove(l.objectPath(typ, id))
}

// remember stores what a successful create or update left in the cloud.
func (s *Server) remember(typ, id, urn string, in, props resource.PropertyMap) error {
	ib, err := encodeMap(in)
	if err != nil {
		return err
	}
	pb, err := encodeMap(props)
	if err != nil {
		return err
	}
	return s.ledger.locked(func() error {
		return s.ledger.putObject(object{Type: typ, ID: id, URN: urn, Inputs: ib, Props: pb})
	})
}

// forget drops the object after a successful delete, unless another instance
// with the same id is still live (create-before-delete of a replacement).
func (s *Server) forget(typ, id string) error {
	return s.ledger.locked(func() error {
		v, err := s.ledger.load()
		if err != nil {
			return err
		}
		if !v.exists(typ, id) {
			s.ledger.dropObject(typ, id)
		}
		return nil
	})
}
