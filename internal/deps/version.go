package deps

import (
	"strconv"
	"strings"
)

// CompareVersions compares dotted numeric versions ("0.16.0" < "0.18").
func CompareVersions(a, b string) int {
	// Component by component without splitting: rules ask for every
	// finding (which Gauge modes the client supports).
	for a != "" || b != "" {
		var pa, pb string
		pa, a, _ = strings.Cut(a, ".")
		pb, b, _ = strings.Cut(b, ".")
		x, _ := strconv.Atoi(leadingDigits(pa))
		y, _ := strconv.Atoi(leadingDigits(pb))
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

func leadingDigits(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i]
}

// VersionBounds returns the pinned version (== or ~=) and the lowest and
// highest versions a requirement spec allows ("" = unknown or unbounded);
// a < bound becomes the highest version below it ("<0.18": "0.17.999999").
func VersionBounds(spec string) (pin, min, max string) {
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		switch {
		case strings.HasPrefix(part, "==="):
			pin = strings.TrimSpace(part[3:])
			min, max = pin, pin
		case strings.HasPrefix(part, "=="):
			v := strings.TrimSpace(part[2:])
			if !strings.Contains(v, "*") {
				pin, min, max = v, v, v
			} else {
				max = strings.TrimSuffix(strings.TrimSuffix(v, "*"), ".") + ".999999"
			}
		case strings.HasPrefix(part, "~="):
			v := strings.TrimSpace(part[2:])
			pin, min = v, v
			segs := strings.Split(v, ".")
			if len(segs) > 1 {
				max = strings.Join(segs[:len(segs)-1], ".") + ".999999"
			}
		case strings.HasPrefix(part, ">="):
			min = strings.TrimSpace(part[2:])
		case strings.HasPrefix(part, ">") && !strings.HasPrefix(part, ">="):
			min = strings.TrimSpace(part[1:]) + ".0.1"
		case strings.HasPrefix(part, "<="):
			max = strings.TrimSpace(part[2:])
		case strings.HasPrefix(part, "<") && !strings.HasPrefix(part, "<>"):
			max = lowerThan(strings.TrimSpace(part[1:]))
		}
	}
	return pin, min, max
}

// lowerThan returns a version that compares below v but above anything
// lower (for "<0.18": "0.17.999999").
func lowerThan(v string) string {
	segs := strings.Split(v, ".")
	for i := len(segs) - 1; i >= 0; i-- {
		n, err := strconv.Atoi(leadingDigits(segs[i]))
		if err == nil && n > 0 {
			segs[i] = strconv.Itoa(n - 1)
			return strings.Join(segs[:i+1], ".") + ".999999"
		}
	}
	return "0"
}
