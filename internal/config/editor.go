package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// FixAllScope says what a bare source.fixAll (an editor's fix on save)
// may edit: FixAllFile only the document it was asked for, FixAllProject
// every file of its service. source.fixAll.multiprom, asked for by name,
// always fixes the project.
const (
	FixAllFile    = "file"
	FixAllProject = "project"
)

// FixAllSettings is the editor's fixAll setting.
type FixAllSettings struct {
	Scope string `json:"scope,omitempty"` // FixAllFile (default) or FixAllProject
}

// EditorKeys are the settings keys an editor sends (Settings' json tags).
func EditorKeys() []string {
	var out []string
	t := reflect.TypeFor[Settings]()
	for i := 0; i < t.NumField(); i++ {
		if name := jsonName(t.Field(i)); name != "" {
			out = append(out, name)
		}
	}
	return out
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "-" {
		return ""
	}
	return name
}

// ParseEditorSettings reads settings sent by an editor (a JSON object
// keyed as Settings' json tags) strictly: a key it does not know or a
// value of the wrong type is an Error naming the key (Line 0), and the
// other keys still apply.
func ParseEditorSettings(raw []byte) (Settings, []*Error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return Settings{}, []*Error{{Message: "settings are not a JSON object: " + err.Error()}}
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var set Settings
	var errs []*Error
	v := reflect.ValueOf(&set).Elem()
	known := EditorKeys()
	for _, k := range keys {
		i := fieldIndex(v.Type(), k)
		if i < 0 {
			msg := fmt.Sprintf("unknown setting %q", k)
			if near := Nearest(k, known); near != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", near)
			} else {
				msg += " (known settings: " + strings.Join(known, ", ") + ")"
			}
			errs = append(errs, &Error{Key: k, Message: msg})
			continue
		}
		if string(bytes.TrimSpace(obj[k])) == "null" {
			continue // null is the default, as an absent key
		}
		f := v.Field(i)
		dst := reflect.New(f.Type())
		dec := json.NewDecoder(bytes.NewReader(obj[k]))
		dec.DisallowUnknownFields()
		if err := dec.Decode(dst.Interface()); err != nil {
			errs = append(errs, &Error{Key: k, Message: fmt.Sprintf("setting %q: %s", k, jsonWords(err))})
			continue
		}
		f.Set(dst.Elem())
	}
	return set, errs
}

func fieldIndex(t reflect.Type, key string) int {
	for i := 0; i < t.NumField(); i++ {
		if jsonName(t.Field(i)) == key {
			return i
		}
	}
	return -1
}

// jsonWords says what encoding/json's decode error means for a setting.
func jsonWords(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("a JSON %s where %s is wanted", te.Value, goTypeWords(strings.TrimPrefix(te.Type.String(), "*")))
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	return msg
}
