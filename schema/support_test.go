package schema

import (
	"errors"
	"testing"
)

func TestCheckSupported(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"no auth", "version: 1\nname: x\nentities:\n  Note:\n    fields:\n      body: text\n", ""},
		{"auth disabled", "version: 1\nname: x\nauth:\n  enabled: false\nentities:\n  Note:\n    fields:\n      body: text\n", ""},
		{"auth enabled", "version: 1\nname: x\n\nauth:\n  enabled: true\nentities:\n  Note:\n    owned: true\n    fields:\n      body: text\n",
			"scaffold.yaml:4:1: auth: generating authentication is not supported by this version of scaffold yet; remove the auth section or set enabled: false"},
		{"auth section without enabled", "version: 1\nname: x\nauth: {roles: [admin, user]}\nentities:\n  Note:\n    fields:\n      body: text\n",
			"scaffold.yaml:3:1: auth: generating authentication is not supported by this version of scaffold yet; remove the auth section or set enabled: false"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse("scaffold.yaml", []byte(tc.src))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			err = CheckSupported(p)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("CheckSupported: %v; want nil", err)
				}
				return
			}
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("CheckSupported: %v (%T); want an ErrorList", err, err)
			}
			if err.Error() != tc.want {
				t.Errorf("CheckSupported:\n got %s\nwant %s", err, tc.want)
			}
		})
	}
}
