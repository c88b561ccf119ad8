package password

import "testing"

func TestHashVerify(t *testing.T) {
	h := Argon2id{Time: 1, Memory: 1024, Threads: 1, KeyLen: 32}
	hash, err := h.Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	other, _ := h.Hash("correct horse battery")
	if hash == other {
		t.Fatal("two hashes of one password are equal: salt not random")
	}
	tests := []struct {
		name string
		hash string
		pw   string
		ok   bool
		err  bool
	}{
		{"right password", hash, "correct horse battery", true, false},
		{"wrong password", hash, "correct horse batterx", false, false},
		{"empty password", hash, "", false, false},
		{"bcrypt-looking hash", "$2a$10$abcdefghijklmnopqrstuv", "x", false, true},
		{"truncated", hash[:20], "x", false, true},
		{"huge memory parameter", "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHRzYWx0$a2V5", "x", false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ok, err := h.Verify(tc.hash, tc.pw)
			if (err != nil) != tc.err || ok != tc.ok {
				t.Fatalf("Verify = %v, %v; want ok=%v err=%v", ok, err, tc.ok, tc.err)
			}
		})
	}
}
