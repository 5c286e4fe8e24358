package emulator_test

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/test/mockserver"
)

var _ = Describe("What official SDKs send and the real API takes", func() {
	var (
		srv *mockserver.Server
		c   *client
	)
	BeforeEach(func() {
		srv = startServer(mockserver.WithRunPolls(0))
		c = newClient(srv)
	})

	It("returns every one of 30 explicit skyflow_ids; the page limit applies to table pages", func() {
		q := url.Values{}
		for i := range 30 {
			id, _ := insertOne(c, srv, "table1", map[string]any{"email": fmt.Sprintf("u%d@example.com", i)})
			q.Add("skyflow_ids", id)
		}
		got := records(expectOK(c.do("GET", vaultPath(srv, "/table1?"+q.Encode()), nil)))
		Expect(got).To(HaveLen(30))
		for i, rec := range got {
			Expect(obj(rec["fields"])["skyflow_id"]).To(Equal(q["skyflow_ids"][i]))
		}
		Expect(records(expectOK(c.do("GET", vaultPath(srv, "/table1"), nil)))).To(HaveLen(25))
		q.Set("limit", "10")
		Expect(records(expectOK(c.do("GET", vaultPath(srv, "/table1?"+q.Encode()), nil)))).To(HaveLen(10))
	})

	DescribeTable("takes data_format on the generic de-identify file endpoint in any case, and empty",
		func(format, content, wantExt string) {
			body := map[string]any{"vault_id": srv.VaultID(), "file": map[string]any{
				"base64": base64.StdEncoding.EncodeToString([]byte(content)), "data_format": format}}
			id := expectOK(c.do("POST", "/v1/detect/deidentify/file", body))["run_id"].(string)
			run := expectOK(c.do("GET", "/v1/detect/runs/"+id+"?vault_id="+srv.VaultID(), nil))
			Expect(run).To(HaveKeyWithValue("status", "SUCCESS"))
			Expect(obj(arr(run["output"])[0])).To(HaveKeyWithValue("processedFileExtension", wantExt))
		},
		Entry("JSONL", "JSONL", `{"name":"John Smith"}`+"\n"+`{"ssn":"123-45-6789"}`, "json"),
		Entry("DCM", "DCM", "DICM binary", "dcm"),
		Entry("Txt", "Txt", "call John Smith", "txt"),
		Entry("empty, JSON content", "", `{"ssn":"123-45-6789"}`, "json"),
		Entry("empty, text content", "", "call John Smith", "txt"),
	)

	It("still refuses a data_format that names no format", func() {
		body := map[string]any{"vault_id": srv.VaultID(), "file": map[string]any{"base64": "eA==", "data_format": "exe"}}
		expectError(c.do("POST", "/v1/detect/deidentify/file", body), http.StatusBadRequest)
	})
})

var _ = Describe("Audit events", func() {
	var (
		srv *mockserver.Server
		c   *client
	)
	BeforeEach(func() {
		srv = startServer()
		c = newClient(srv)
	})
	list := func(q url.Values) map[string]any {
		GinkgoHelper()
		if q.Get("filterOps.accountID") == "" {
			q.Set("filterOps.accountID", mockserver.DemoAccountID)
		}
		return expectOK(c.do("GET", "/v1/audit/events?"+q.Encode(), nil))
	}

	It("records the calls served, without payloads, and pages like the paged get", func() {
		id, _ := insertOne(c, srv, "table1", map[string]any{"email": "audit@example.com"})
		expectOK(c.do("GET", vaultPath(srv, "/table1/"+id), nil))
		expectError(c.do("GET", vaultPath(srv, "/nope/"+id), nil), http.StatusNotFound)
		for i := range 27 {
			expectOK(c.do("GET", vaultPath(srv, "/table1?limit=1&offset="+strconv.Itoa(i)), nil))
		}

		first := list(url.Values{})
		events := arr(first["event"])
		Expect(events).To(HaveLen(25))
		ins := obj(events[0])
		Expect(obj(ins["request"])).To(And(
			HaveKeyWithValue("apiName", "RecordServiceInsertRecord"), HaveKeyWithValue("vaultID", srv.VaultID()),
			HaveKeyWithValue("actionType", "CREATE"), HaveKeyWithValue("resourceType", "RECORD"),
			HaveKeyWithValue("httpInfo", map[string]any{"URI": "/v1/vaults/" + srv.VaultID() + "/table1", "method": "POST"})))
		Expect(obj(ins["response"])).To(HaveKeyWithValue("code", BeNumerically("==", 200)))
		Expect(obj(ins["context"])).To(HaveKeyWithValue("actor", "api-key"))
		Expect(fmt.Sprint(events)).NotTo(ContainSubstring("audit@example.com"))
		Expect(ins).To(HaveKeyWithValue("accountID", mockserver.DemoAccountID))
		Expect(obj(events[1])).To(HaveKeyWithValue("resourceIDs", []any{id}))
		Expect(obj(obj(events[2])["response"])).To(HaveKeyWithValue("code", BeNumerically("==", 404)))

		next := obj(first["nextOps"])
		rest := list(url.Values{"afterOps.changeID": {next["changeID"].(string)}})
		Expect(arr(rest["event"])).To(HaveLen(5))
		Expect(rest).NotTo(HaveKey("nextOps"))
		byOffset := list(url.Values{"offset": {"25"}, "limit": {"5"}})
		Expect(byOffset["event"]).To(Equal(rest["event"]))

		newest := arr(list(url.Values{"sortOps.orderBy": {"DESCENDING"}, "limit": {"1"}})["event"])
		Expect(obj(obj(newest[0])["request"])).To(HaveKeyWithValue("httpInfo", HaveKeyWithValue("URI", "/v1/vaults/"+srv.VaultID()+"/table1")))
		reads := arr(list(url.Values{"filterOps.actionType": {"READ"}, "filterOps.responseCode": {"404"}})["event"])
		Expect(reads).To(HaveLen(1))
		Expect(arr(list(url.Values{"filterOps.accountID": {"someone-else"}})["event"])).To(BeEmpty())
		expectError(c.do("GET", "/v1/audit/events?filterOps.accountID="+mockserver.DemoAccountID+"&limit=26", nil), http.StatusBadRequest)
	})

	It("names the service account of a bearer token as the actor", func() {
		tok, err := srv.IssueToken(time.Hour, "demo-reader")
		Expect(err).NotTo(HaveOccurred())
		expectOK(c.withAuth("Bearer "+tok).do("GET", vaultPath(srv, "/table1"), nil))
		ev := obj(arr(list(url.Values{})["event"])[0])
		Expect(obj(ev["context"])).To(And(HaveKeyWithValue("actorType", "SERVICE_ACCOUNT"), HaveKeyWithValue("authMode", "SERVICE_ACCOUNT_JWT"),
			HaveKeyWithValue("jwtID", Not(BeEmpty()))))
	})
})

var _ = Describe("BIN lookup, file delete and scan status", func() {
	var (
		srv *mockserver.Server
		c   *client
	)
	BeforeEach(func() {
		srv = startServer()
		c = newClient(srv)
	})

	It("looks up a BIN, or the card of a stored record, returning only the fields asked for", func() {
		cards := arr(expectOK(c.do("POST", "/v1/card_lookup", map[string]any{"BIN": "411111"}))["cards_data"])
		Expect(obj(cards[0])).To(And(HaveKeyWithValue("BIN", "411111"), HaveKeyWithValue("card_scheme", "VISA")))
		id, _ := insertOne(c, srv, "table1", map[string]any{"card_number": "5555 5555 5555 4444"})
		cards = arr(expectOK(c.do("POST", "/v1/card_lookup", map[string]any{
			"skyflow_id": id, "fields": []string{"card_scheme", "card_last_four_digits"},
			"vault_schema_config": map[string]any{"id": srv.VaultID(), "table_name": "table1", "mapping": map[string]any{"card_number": "card_number"}},
		}))["cards_data"])
		Expect(obj(cards[0])).To(Equal(map[string]any{"card_scheme": "MASTERCARD", "card_last_four_digits": "4444"}))
		expectError(c.do("POST", "/v1/card_lookup", map[string]any{}), http.StatusBadRequest)
		expectError(c.do("POST", "/v1/card_lookup", map[string]any{"BIN": "411111", "fields": []string{"pin"}}), http.StatusBadRequest)
		expectError(c.do("POST", "/v1/card_lookup", map[string]any{"skyflow_id": id,
			"vault_schema_config": map[string]any{"id": srv.VaultID(), "table_name": "table1", "mapping": map[string]any{"card_number": "nope"}}}), http.StatusBadRequest)
	})

	It("gives no download URL for an infected file", func() {
		eicar := `X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*`
		id := expectOK(c.multipart("/v2/vaults/"+srv.VaultID()+"/files/upload", part{name: "tableName", content: "documents"},
			part{name: "columnName", content: "attachment"}, part{name: "file", filename: "eicar.com", content: eicar}))["skyflowID"].(string)
		got := records(expectOK(c.do("GET", vaultPath(srv, "/documents?downloadURL=true&skyflow_ids="+id), nil)))
		Expect(obj(got[0]["fields"])).NotTo(HaveKey("attachment"))
		plain := records(expectOK(c.do("GET", vaultPath(srv, "/documents?skyflow_ids="+id), nil)))
		Expect(obj(plain[0]["fields"])).To(HaveKeyWithValue("attachment", "eicar.com"))
	})
})
