package emulator_test

import (
	"net/http"
	"net/url"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/test/mockserver"
)

var _ = Describe("Records", func() {
	var (
		srv *mockserver.Server
		c   *client
	)
	BeforeEach(func() {
		srv = startServer()
		c = newClient(srv)
	})

	card := func(n int) map[string]any {
		return map[string]any{
			"card_number":     "4111111111111111",
			"cardholder_name": "John Doe",
			"email":           "john" + strings.Repeat("x", n) + "@example.com",
			"ssn":             "123-45-6789",
			"dob":             "1990-01-01",
		}
	}

	Describe("bulk insert", func() {
		It("stores records and returns ids, with tokens of tokenized columns when asked", func() {
			body := expectOK(c.do("POST", vaultPath(srv, "/table1"), map[string]any{
				"records":      []any{map[string]any{"fields": card(1)}, map[string]any{"fields": card(2)}},
				"tokenization": true, "upsert": "", "byot": "DISABLE",
			}))
			recs := records(body)
			Expect(recs).To(HaveLen(2))
			for _, r := range recs {
				Expect(r["skyflow_id"]).To(BeAssignableToTypeOf(""))
				toks := obj(r["tokens"])
				Expect(toks).To(HaveKey("card_number"))
				Expect(toks).To(HaveKey("ssn"))
				Expect(toks).NotTo(HaveKey("dob"), "dob is not tokenized")
			}
			Expect(srv.Records("table1")).To(HaveLen(2))
		})

		It("returns no tokens without tokenization", func() {
			body := expectOK(c.do("POST", vaultPath(srv, "/table1"), map[string]any{
				"records": []any{map[string]any{"fields": card(1)}}, "tokenization": false, "upsert": nil, "byot": "DISABLE",
			}))
			Expect(records(body)[0]).NotTo(HaveKey("tokens"))
		})

		It("is all or nothing", func() {
			expectOK(c.do("POST", vaultPath(srv, "/table1"), map[string]any{"records": []any{map[string]any{"fields": card(1)}}}))
			r := c.do("POST", vaultPath(srv, "/table1"), map[string]any{
				"records": []any{map[string]any{"fields": card(2)}, map[string]any{"fields": card(1)}},
			})
			msg := expectError(r, http.StatusConflict)
			Expect(msg).To(ContainSubstring("records[1]"))
			Expect(msg).To(ContainSubstring("unique column email"))
			Expect(grpcCode(r)).To(Equal(6))
			Expect(srv.Records("table1")).To(HaveLen(1), "the first record of the failed call must not stay")
		})

		It("rejects unknown tables with 404 and unknown columns with 400", func() {
			r := c.do("POST", vaultPath(srv, "/nope"), map[string]any{"records": []any{map[string]any{"fields": card(1)}}})
			Expect(expectError(r, http.StatusNotFound)).To(ContainSubstring("table nope"))
			Expect(grpcCode(r)).To(Equal(5))
			r = c.do("POST", vaultPath(srv, "/table1"), map[string]any{"records": []any{map[string]any{"fields": map[string]any{"colour": "red"}}}})
			Expect(expectError(r, http.StatusBadRequest)).To(ContainSubstring("colour"))
			Expect(grpcCode(r)).To(Equal(3))
		})

		It("rejects unknown vaults with 404", func() {
			r := c.do("POST", "/v1/vaults/nope/table1", map[string]any{"records": []any{map[string]any{"fields": card(1)}}})
			Expect(expectError(r, http.StatusNotFound)).To(ContainSubstring("vault nope"))
		})

		It("checks column types", func() {
			f := card(1)
			f["dob"] = "01/01/1990"
			r := c.do("POST", vaultPath(srv, "/table1"), map[string]any{"records": []any{map[string]any{"fields": f}}})
			Expect(expectError(r, http.StatusBadRequest)).To(ContainSubstring("dob"))
		})

		It("upserts on a unique column, updating the row with the same value", func() {
			id, _ := insertOne(c, srv, "table1", card(1))
			f := card(1)
			f["cardholder_name"] = "Jane Doe"
			body := expectOK(c.do("POST", vaultPath(srv, "/table1"), map[string]any{
				"records": []any{map[string]any{"fields": f}, map[string]any{"fields": card(2)}}, "upsert": "email", "tokenization": true,
			}))
			recs := records(body)
			Expect(recs[0]["skyflow_id"]).To(Equal(id))
			Expect(recs[1]["skyflow_id"]).NotTo(Equal(id))
			all := srv.Records("table1")
			Expect(all).To(HaveLen(2))
			Expect(all[0]).To(HaveKeyWithValue("cardholder_name", "Jane Doe"))
		})

		It("treats an empty or null upsert as no upsert", func() {
			insertOne(c, srv, "table1", card(1))
			for _, up := range []any{"", nil} {
				r := c.do("POST", vaultPath(srv, "/table1"), map[string]any{"records": []any{map[string]any{"fields": card(1)}}, "upsert": up})
				expectError(r, http.StatusConflict)
			}
		})

		It("rejects upsert on a column that is not unique", func() {
			r := c.do("POST", vaultPath(srv, "/table1"), map[string]any{"records": []any{map[string]any{"fields": card(1)}}, "upsert": "ssn"})
			Expect(expectError(r, http.StatusBadRequest)).To(ContainSubstring("not a unique column"))
		})

		It("rejects homogeneous with upsert and mixed field sets", func() {
			r := c.do("POST", vaultPath(srv, "/table1"), map[string]any{"records": []any{map[string]any{"fields": card(1)}}, "upsert": "email", "homogeneous": true})
			expectError(r, http.StatusBadRequest)
			r = c.do("POST", vaultPath(srv, "/table1"), map[string]any{"homogeneous": true, "records": []any{
				map[string]any{"fields": card(1)}, map[string]any{"fields": map[string]any{"email": "x@y.z"}},
			}})
			expectError(r, http.StatusBadRequest)
		})

		It("rejects an empty records list", func() {
			expectError(c.do("POST", vaultPath(srv, "/table1"), map[string]any{"records": []any{}}), http.StatusBadRequest)
		})
	})

	Describe("token modes (byot)", func() {
		It("DISABLE rejects supplied tokens", func() {
			r := c.do("POST", vaultPath(srv, "/table1"), map[string]any{"byot": "DISABLE", "records": []any{
				map[string]any{"fields": card(1), "tokens": map[string]any{"ssn": "my-ssn-token"}},
			}})
			Expect(expectError(r, http.StatusBadRequest)).To(ContainSubstring("DISABLE"))
		})

		It("ENABLE stores supplied tokens, mints the others, and the supplied ones detokenize", func() {
			body := expectOK(c.do("POST", vaultPath(srv, "/table1"), map[string]any{"byot": "ENABLE", "tokenization": true, "records": []any{
				map[string]any{"fields": card(1), "tokens": map[string]any{"ssn": "my-ssn-token"}},
			}}))
			toks := obj(records(body)[0]["tokens"])
			Expect(toks).To(HaveKeyWithValue("ssn", "my-ssn-token"))
			Expect(toks["card_number"]).NotTo(BeEmpty())
			det := expectOK(c.do("POST", vaultPath(srv, "/detokenize"), map[string]any{
				"detokenizationParameters": []any{map[string]any{"token": "my-ssn-token", "redaction": "PLAIN_TEXT"}},
			}))
			Expect(records(det)[0]).To(HaveKeyWithValue("value", "123-45-6789"))
		})

		It("ENABLE_STRICT needs a token for every written column", func() {
			f := map[string]any{"card_number": "4111111111111111", "ssn": "123-45-6789"}
			r := c.do("POST", vaultPath(srv, "/table1"), map[string]any{"byot": "ENABLE_STRICT", "records": []any{
				map[string]any{"fields": f, "tokens": map[string]any{"ssn": "t-ssn"}},
			}})
			Expect(expectError(r, http.StatusBadRequest)).To(ContainSubstring("card_number"))
			expectOK(c.do("POST", vaultPath(srv, "/table1"), map[string]any{"byot": "ENABLE_STRICT", "records": []any{
				map[string]any{"fields": f, "tokens": map[string]any{"ssn": "t-ssn", "card_number": "t-card"}},
			}}))
		})

		It("rejects a token for a column that is not tokenized, or not written", func() {
			r := c.do("POST", vaultPath(srv, "/table1"), map[string]any{"byot": "ENABLE", "records": []any{
				map[string]any{"fields": card(1), "tokens": map[string]any{"dob": "t-dob"}},
			}})
			Expect(expectError(r, http.StatusBadRequest)).To(ContainSubstring("not tokenized"))
			r = c.do("POST", vaultPath(srv, "/table1"), map[string]any{"byot": "ENABLE", "records": []any{
				map[string]any{"fields": map[string]any{"email": "a@b.c"}, "tokens": map[string]any{"ssn": "t-ssn"}},
			}})
			expectError(r, http.StatusBadRequest)
		})

		It("rejects a supplied token that is already in use with 409", func() {
			expectOK(c.do("POST", vaultPath(srv, "/table1"), map[string]any{"byot": "ENABLE", "records": []any{
				map[string]any{"fields": card(1), "tokens": map[string]any{"ssn": "dup"}},
			}}))
			r := c.do("POST", vaultPath(srv, "/table1"), map[string]any{"byot": "ENABLE", "records": []any{
				map[string]any{"fields": card(2), "tokens": map[string]any{"ssn": "dup"}},
			}})
			expectError(r, http.StatusConflict)
		})
	})

	Describe("batch insert with continueOnError", func() {
		It("answers 200 with a Status and Body per record", func() {
			insertOne(c, srv, "table1", card(1))
			body := expectOK(c.do("POST", vaultPath(srv, ""), map[string]any{
				"continueOnError": true, "byot": "DISABLE",
				"records": []any{
					map[string]any{"fields": card(2), "tableName": "table1", "method": "POST", "tokenization": true, "upsert": ""},
					map[string]any{"fields": card(1), "tableName": "table1", "method": "POST", "tokenization": true, "upsert": nil},
					map[string]any{"fields": map[string]any{"bogus": 1}, "tableName": "table1", "method": "POST"},
					map[string]any{"fields": card(3), "tableName": "missing", "method": "POST"},
				},
			}))
			Expect(body).To(HaveKeyWithValue("vaultID", srv.VaultID()))
			resp := arr(body["responses"])
			Expect(resp).To(HaveLen(4))
			ok := obj(resp[0])
			Expect(ok["Status"]).To(BeNumerically("==", 200))
			okRec := obj(arr(obj(ok["Body"])["records"])[0])
			Expect(okRec["skyflow_id"]).NotTo(BeEmpty())
			Expect(okRec).To(HaveKey("tokens"))
			statuses := []float64{}
			for _, item := range resp[1:] {
				it := obj(item)
				statuses = append(statuses, it["Status"].(float64))
				Expect(obj(it["Body"])["error"]).To(BeAssignableToTypeOf(""))
			}
			Expect(statuses).To(Equal([]float64{409, 400, 404}))
			Expect(srv.Records("table1")).To(HaveLen(2))
		})

		It("without continueOnError fails the whole call and keeps nothing", func() {
			r := c.do("POST", vaultPath(srv, ""), map[string]any{"records": []any{
				map[string]any{"fields": card(1), "tableName": "table1", "method": "POST"},
				map[string]any{"fields": map[string]any{"bogus": 1}, "tableName": "table1", "method": "POST"},
			}})
			Expect(expectError(r, http.StatusBadRequest)).To(ContainSubstring("records[1]"))
			Expect(srv.Records("table1")).To(BeEmpty())
		})

		It("without continueOnError answers each item's bare response, unwrapped (wire-format.md §5.2)", func() {
			id, _ := insertOne(c, srv, "table1", card(1))
			body := expectOK(c.do("POST", vaultPath(srv, ""), map[string]any{"continueOnError": false, "records": []any{
				map[string]any{"fields": card(2), "tableName": "table1", "method": "POST", "quorum": true, "tokenization": true},
				map[string]any{"tableName": "table1", "method": "PUT", "ID": id, "fields": map[string]any{"cardholder_name": "Jane"}},
				map[string]any{"tableName": "table1", "method": "GET", "ID": id, "redaction": "PLAIN_TEXT"},
			}}))
			resp := arr(body["responses"])
			Expect(resp).To(HaveLen(3))
			for _, item := range resp {
				Expect(obj(item)).NotTo(HaveKey("Status"))
				Expect(obj(item)).NotTo(HaveKey("Body"))
			}
			inserted := obj(arr(obj(resp[0])["records"])[0])
			Expect(inserted["skyflow_id"]).NotTo(BeEmpty())
			Expect(obj(inserted["tokens"])).To(HaveKey("card_number"))
			Expect(obj(resp[1])).To(HaveKeyWithValue("skyflow_id", id))
			got := obj(obj(arr(obj(resp[2])["records"])[0])["fields"])
			Expect(got).To(HaveKeyWithValue("cardholder_name", "Jane"))

			body = expectOK(c.do("POST", vaultPath(srv, ""), map[string]any{"records": []any{
				map[string]any{"tableName": "table1", "method": "DELETE", "ID": id},
			}}))
			Expect(obj(arr(body["responses"])[0])).To(Equal(map[string]any{"skyflow_id": id, "deleted": true}))
			Expect(srv.Records("table1")).To(HaveLen(1))
		})

		It("supports GET, PUT and DELETE items", func() {
			id, _ := insertOne(c, srv, "table1", card(1))
			body := expectOK(c.do("POST", vaultPath(srv, ""), map[string]any{"continueOnError": true, "records": []any{
				map[string]any{"tableName": "table1", "method": "PUT", "ID": id, "fields": map[string]any{"cardholder_name": "Jane"}, "tokenization": true},
				map[string]any{"tableName": "table1", "method": "GET", "ID": id, "redaction": "PLAIN_TEXT"},
				map[string]any{"tableName": "table1", "method": "DELETE", "ID": id},
				map[string]any{"tableName": "table1", "method": "GET", "ID": id},
			}}))
			resp := arr(body["responses"])
			Expect(obj(obj(resp[0])["Body"])).To(HaveKeyWithValue("skyflow_id", id))
			got := obj(obj(arr(obj(obj(resp[1])["Body"])["records"])[0])["fields"])
			Expect(got).To(HaveKeyWithValue("cardholder_name", "Jane"))
			Expect(obj(obj(resp[2])["Body"])).To(HaveKeyWithValue("deleted", true))
			Expect(obj(resp[3])["Status"]).To(BeNumerically("==", 404))
		})
	})

	Describe("bulk get", func() {
		var ids []string
		BeforeEach(func() {
			ids = nil
			for i := 1; i <= 3; i++ {
				id, _ := insertOne(c, srv, "table1", card(i))
				ids = append(ids, id)
			}
		})

		get := func(q url.Values) *response { return c.do("GET", vaultPath(srv, "/table1")+"?"+q.Encode(), nil) }

		It("gets by skyflow_ids with values in fields, skyflow_id included", func() {
			body := expectOK(get(url.Values{"skyflow_ids": {ids[1], ids[0]}, "redaction": {"PLAIN_TEXT"}, "tokenization": {"false"}}))
			recs := records(body)
			Expect(recs).To(HaveLen(2))
			f := obj(recs[0]["fields"])
			Expect(f).To(HaveKeyWithValue("skyflow_id", ids[1]))
			Expect(f).To(HaveKeyWithValue("card_number", "4111111111111111"))
			Expect(f).To(HaveKeyWithValue("dob", "1990-01-01"))
		})

		It("404s unknown ids", func() {
			expectError(get(url.Values{"skyflow_ids": {"nope"}}), http.StatusNotFound)
		})

		It("applies redaction: MASKED per column style, REDACTED, DEFAULT = column default", func() {
			f := obj(records(expectOK(get(url.Values{"skyflow_ids": {ids[0]}, "redaction": {"MASKED"}})))[0]["fields"])
			Expect(f["card_number"]).To(Equal("XXXXXXXXXXXX1111"))
			Expect(f["ssn"]).To(Equal("XXX-XX-6789"))
			Expect(f["email"]).To(Equal("jXXXX@example.com"))
			Expect(f["cardholder_name"]).To(Equal("XXXX XXX"))
			f = obj(records(expectOK(get(url.Values{"skyflow_ids": {ids[0]}, "redaction": {"REDACTED"}})))[0]["fields"])
			Expect(f["card_number"]).To(Equal("*REDACTED*"))
			f = obj(records(expectOK(get(url.Values{"skyflow_ids": {ids[0]}, "redaction": {"DEFAULT"}})))[0]["fields"])
			Expect(f["card_number"]).To(Equal("XXXXXXXXXXXX1111"), "card_number defaults to MASKED")
			Expect(f["cardholder_name"]).To(Equal("John Doe"), "cardholder_name defaults to PLAIN_TEXT")
			Expect(f["dob"]).To(Equal("*REDACTED*"), "dob defaults to REDACTED")
		})

		It("returns tokens in fields with tokenization", func() {
			f := obj(records(expectOK(get(url.Values{"skyflow_ids": {ids[0]}, "tokenization": {"true"}})))[0]["fields"])
			Expect(f["card_number"]).NotTo(Equal("4111111111111111"))
			Expect(f).NotTo(HaveKey("dob"))
			det := expectOK(c.do("POST", vaultPath(srv, "/detokenize"), map[string]any{
				"detokenizationParameters": []any{map[string]any{"token": f["card_number"], "redaction": "PLAIN_TEXT"}},
			}))
			Expect(records(det)[0]["value"]).To(Equal("4111111111111111"))
		})

		It("gets by a unique column's values", func() {
			body := expectOK(get(url.Values{"column_name": {"email"}, "column_values": {"johnxx@example.com", "unknown@x.y"}, "redaction": {"PLAIN_TEXT"}}))
			recs := records(body)
			Expect(recs).To(HaveLen(1))
			Expect(obj(recs[0]["fields"])).To(HaveKeyWithValue("skyflow_id", ids[1]))
			expectError(get(url.Values{"column_name": {"ssn"}, "column_values": {"x"}}), http.StatusBadRequest)
			expectError(get(url.Values{"column_name": {"email"}}), http.StatusBadRequest)
			expectError(get(url.Values{"column_name": {"email"}, "column_values": {"none@x.y"}}), http.StatusNotFound)
		})

		It("rejects conflicting parameters", func() {
			expectError(get(url.Values{"skyflow_ids": {ids[0]}, "column_name": {"email"}, "column_values": {"a"}}), http.StatusBadRequest)
			expectError(get(url.Values{"skyflow_ids": {ids[0]}, "tokenization": {"true"}, "redaction": {"PLAIN_TEXT"}}), http.StatusBadRequest)
		})

		It("restricts columns with fields", func() {
			f := obj(records(expectOK(get(url.Values{"skyflow_ids": {ids[0]}, "fields": {"email", "skyflow_id"}, "redaction": {"PLAIN_TEXT"}})))[0]["fields"])
			Expect(f).To(HaveLen(2))
			Expect(f).To(HaveKey("email"))
			expectError(get(url.Values{"skyflow_ids": {ids[0]}, "fields": {"nope"}}), http.StatusBadRequest)
		})

		It("pages with offset and limit (at most 25) and orders by skyflow_id", func() {
			all := records(expectOK(get(url.Values{})))
			Expect(all).To(HaveLen(3))
			page := records(expectOK(get(url.Values{"offset": {"1"}, "limit": {"1"}})))
			Expect(page).To(HaveLen(1))
			Expect(obj(page[0]["fields"])["skyflow_id"]).To(Equal(ids[1]))
			expectError(get(url.Values{"limit": {"26"}}), http.StatusBadRequest)
			expectError(get(url.Values{"limit": {"abc"}}), http.StatusBadRequest)
			asc := records(expectOK(get(url.Values{"order_by": {"ASCENDING"}})))
			desc := records(expectOK(get(url.Values{"order_by": {"DESCENDING"}})))
			Expect(obj(asc[0]["fields"])["skyflow_id"]).To(Equal(obj(desc[2]["fields"])["skyflow_id"]))
			Expect(obj(asc[0]["fields"])["skyflow_id"].(string) < obj(asc[1]["fields"])["skyflow_id"].(string)).To(BeTrue())
		})

		It("answers an empty table with an empty records array", func() {
			body := expectOK(c.do("GET", vaultPath(srv, "/documents"), nil))
			Expect(body).To(HaveKeyWithValue("records", BeEmpty()))
		})

		It("gets one record by id", func() {
			body := expectOK(c.do("GET", vaultPath(srv, "/table1/"+ids[0]+"?redaction=PLAIN_TEXT"), nil))
			Expect(obj(body["fields"])).To(HaveKeyWithValue("email", "johnx@example.com"))
			expectError(c.do("GET", vaultPath(srv, "/table1/nope"), nil), http.StatusNotFound)
		})
	})

	Describe("update", func() {
		It("updates fields and returns new tokens of the updated tokenized columns", func() {
			id, toks := insertOne(c, srv, "table1", card(1))
			body := expectOK(c.do("PUT", vaultPath(srv, "/table1/"+id), map[string]any{
				"record": map[string]any{"fields": map[string]any{"cardholder_name": "Jane", "ssn": "123-45-6789"}, "tokens": nil}, "tokenization": true, "byot": "DISABLE",
			}))
			Expect(body).To(HaveKeyWithValue("skyflow_id", id))
			newToks := obj(body["tokens"])
			Expect(newToks).To(HaveKey("cardholder_name"))
			Expect(newToks["cardholder_name"]).NotTo(Equal(toks["cardholder_name"]), "a changed value gets a new token")
			Expect(newToks["ssn"]).To(Equal(toks["ssn"]), "an unchanged value keeps its token")
			Expect(srv.Records("table1")[0]).To(HaveKeyWithValue("cardholder_name", "Jane"))
		})

		It("clears a column with null", func() {
			id, _ := insertOne(c, srv, "table1", card(1))
			expectOK(c.do("PUT", vaultPath(srv, "/table1/"+id), map[string]any{"record": map[string]any{"fields": map[string]any{"dob": nil}}}))
			Expect(srv.Records("table1")[0]).NotTo(HaveKey("dob"))
		})

		It("applies the token mode", func() {
			id, _ := insertOne(c, srv, "table1", card(1))
			r := c.do("PUT", vaultPath(srv, "/table1/"+id), map[string]any{"record": map[string]any{"fields": map[string]any{"ssn": "999-99-9999"}, "tokens": map[string]any{"ssn": "t"}}, "byot": "DISABLE"})
			expectError(r, http.StatusBadRequest)
			body := expectOK(c.do("PUT", vaultPath(srv, "/table1/"+id), map[string]any{"record": map[string]any{"fields": map[string]any{"ssn": "999-99-9999"}, "tokens": map[string]any{"ssn": "my-ssn"}}, "byot": "ENABLE", "tokenization": true}))
			Expect(obj(body["tokens"])).To(HaveKeyWithValue("ssn", "my-ssn"))
		})

		It("404s unknown records and 409s unique violations", func() {
			expectError(c.do("PUT", vaultPath(srv, "/table1/nope"), map[string]any{"record": map[string]any{"fields": map[string]any{"dob": "2000-01-01"}}}), http.StatusNotFound)
			insertOne(c, srv, "table1", card(1))
			id, _ := insertOne(c, srv, "table1", card(2))
			expectError(c.do("PUT", vaultPath(srv, "/table1/"+id), map[string]any{"record": map[string]any{"fields": map[string]any{"email": "johnx@example.com"}}}), http.StatusConflict)
		})
	})

	Describe("delete", func() {
		It("deletes by ids, and their tokens stop working", func() {
			id1, toks := insertOne(c, srv, "table1", card(1))
			id2, _ := insertOne(c, srv, "table1", card(2))
			body := expectOK(c.do("DELETE", vaultPath(srv, "/table1"), map[string]any{"skyflow_ids": []any{id1}}))
			Expect(body["RecordIDResponse"]).To(Equal([]any{id1}))
			Expect(srv.Records("table1")).To(HaveLen(1))
			Expect(srv.Records("table1")[0]["skyflow_id"]).To(Equal(id2))
			r := c.do("POST", vaultPath(srv, "/detokenize"), map[string]any{"detokenizationParameters": []any{map[string]any{"token": toks["ssn"]}}})
			expectError(r, http.StatusNotFound)
		})

		It("deletes everything with [\"*\"]", func() {
			insertOne(c, srv, "table1", card(1))
			insertOne(c, srv, "table1", card(2))
			body := expectOK(c.do("DELETE", vaultPath(srv, "/table1"), map[string]any{"skyflow_ids": []any{"*"}}))
			Expect(body["RecordIDResponse"]).To(Equal([]any{"*"}))
			Expect(srv.Records("table1")).To(BeEmpty())
		})

		It("deletes nothing when an id is unknown", func() {
			id, _ := insertOne(c, srv, "table1", card(1))
			expectError(c.do("DELETE", vaultPath(srv, "/table1"), map[string]any{"skyflow_ids": []any{id, "nope"}}), http.StatusNotFound)
			Expect(srv.Records("table1")).To(HaveLen(1))
			expectError(c.do("DELETE", vaultPath(srv, "/table1"), map[string]any{"skyflow_ids": []any{}}), http.StatusBadRequest)
		})

		It("deletes one record", func() {
			id, _ := insertOne(c, srv, "table1", card(1))
			body := expectOK(c.do("DELETE", vaultPath(srv, "/table1/"+id), nil))
			Expect(body).To(Equal(map[string]any{"skyflow_id": id, "deleted": true}))
			expectError(c.do("DELETE", vaultPath(srv, "/table1/"+id), nil), http.StatusNotFound)
		})
	})
})
