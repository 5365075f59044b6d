package provider

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

// schemaJSON is schema.yaml (at the repository root, the source of truth) converted to
// JSON by `make schema`; TestEmbeddedSchemaMatchesYAML fails when the two differ.
//
//go:embed schema.json
var schemaJSON []byte

// Schema returns the package schema stamped with version, the same version the plugin
// reports, so SDKs generated from it ask the engine for this very plugin.
func Schema(version string) ([]byte, error) {
	var spec map[string]any
	if err := json.Unmarshal(schemaJSON, &spec); err != nil {
		return nil, fmt.Errorf("embedded schema: %w", err)
	}
	spec["version"] = version
	return json.Marshal(spec)
}
