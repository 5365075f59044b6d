package iampolicy

import "testing"

func TestJSONIsStableAndOrdered(t *testing.T) {
	doc := New(Statement{
		Effect:    "Allow",
		Principal: &Principal{Federated: "arn:aws:iam::1:oidc-provider/x"},
		Action:    []string{"sts:AssumeRoleWithWebIdentity"},
		Condition: Condition{"StringEquals": {"x:sub": "system:serviceaccount:a:b", "x:aud": "sts.amazonaws.com"}},
	}, Allow("Read", []string{"s3:GetObject"}, []string{"arn:aws:s3:::b/*"}))
	want := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::1:oidc-provider/x"},"Action":["sts:AssumeRoleWithWebIdentity"],"Condition":{"StringEquals":{"x:aud":"sts.amazonaws.com","x:sub":"system:serviceaccount:a:b"}}},{"Sid":"Read","Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::b/*"]}]}`
	for range 20 {
		if got := doc.JSON(); got != want {
			t.Fatalf("got  %s\nwant %s", got, want)
		}
	}
}
