package lsp

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/python"
	"github.com/multiprom/multiprom/internal/source"
)

// factsKey fingerprints what per-file rules read besides their own file: the
// project facts and the effective settings. When it changes, every open
// document is re-checked; when it does not, an edit re-checks only the
// edited document. Byte spans are left out (typing above a fact moves it
// without changing it), files are named by path, and parsed summaries are
// left out (their facts are already in Facts).
func factsKey(p *project.Project) string {
	var b strings.Builder
	w := keyWriter{b: &b, seen: map[uintptr]bool{}}
	w.value(reflect.ValueOf(p.Facts), 0)
	b.WriteString("|settings:")
	w.value(reflect.ValueOf(p.Settings), 0)
	return b.String()
}

type keyWriter struct {
	b    *strings.Builder
	seen map[uintptr]bool
}

var (
	spanType   = reflect.TypeOf(source.Span{})
	fileType   = reflect.TypeOf(&project.File{})
	moduleType = reflect.TypeOf(&python.Module{})
	callType   = reflect.TypeOf(&python.Call{})
	funcType   = reflect.TypeOf(&python.FuncDef{})
)

// maxKeyDepth bounds the walk; facts are shallow, this only guards against
// a future field that links back into a deep structure.
const maxKeyDepth = 12

func (w keyWriter) value(v reflect.Value, depth int) {
	if depth > maxKeyDepth || !v.IsValid() {
		return
	}
	switch v.Type() {
	case spanType, moduleType:
		return
	case fileType:
		if !v.IsNil() {
			w.b.WriteString("file:" + v.Interface().(*project.File).Path + ";")
		}
		return
	case callType:
		if !v.IsNil() {
			w.b.WriteString("call:" + v.Interface().(*python.Call).Func + ";")
		}
		return
	case funcType:
		if !v.IsNil() {
			w.b.WriteString("func:" + v.Interface().(*python.FuncDef).Name + ";")
		}
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			w.b.WriteString("nil;")
			return
		}
		if w.seen[v.Pointer()] {
			w.b.WriteString("cycle;")
			return
		}
		w.seen[v.Pointer()] = true
		w.value(v.Elem(), depth+1)
		delete(w.seen, v.Pointer())
	case reflect.Interface:
		if !v.IsNil() {
			w.value(v.Elem(), depth+1)
		}
	case reflect.Struct:
		w.b.WriteByte('{')
		t := v.Type()
		for i := 0; i < v.NumField(); i++ {
			if !t.Field(i).IsExported() {
				continue
			}
			w.b.WriteString(t.Field(i).Name + "=")
			w.value(v.Field(i), depth+1)
		}
		w.b.WriteByte('}')
	case reflect.Slice, reflect.Array:
		w.b.WriteByte('[')
		for i := 0; i < v.Len(); i++ {
			w.value(v.Index(i), depth+1)
			w.b.WriteByte(',')
		}
		w.b.WriteByte(']')
	case reflect.Map:
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
		w.b.WriteByte('<')
		for _, k := range keys {
			fmt.Fprintf(w.b, "%v:", k)
			w.value(v.MapIndex(k), depth+1)
			w.b.WriteByte(',')
		}
		w.b.WriteByte('>')
	case reflect.Func, reflect.Chan, reflect.UnsafePointer:
	default:
		fmt.Fprintf(w.b, "%v;", v.Interface())
	}
}
