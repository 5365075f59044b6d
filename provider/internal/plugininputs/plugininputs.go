// Package plugininputs carries what the plugin knows of a Construct call's inputs beyond
// what its typed decoding into platform.Args holds, from the plugin (provider/construct.go)
// to the platform, without putting it on the platform's Go API.
//
// It is the "export through an internal package" pattern: the platform package sets the
// hook in its init, and only code inside provider/ can import this package, so a Go
// program calling platform.New sees none of it.
package plugininputs

// MarkUnknownAtPreview records, on the platform.Args about to be passed to platform.New,
// the inputs (by schema key) the program gave whose value is not known yet at preview
// and that the plugin had to leave out of the typed decoding (a list or object given as
// one Output), so the platform plans around them instead of treating them as absent. Go
// programs never need it: their Outputs reach the platform as they are.
//
// Its type is func(args *platform.Args, keys ...string): this package cannot name
// platform's types, as platform imports it to set the hook.
var MarkUnknownAtPreview any
