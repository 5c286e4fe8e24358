package security_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
	"github.com/skyflowgo/skyflow/test/mockserver"
)

// The planted personal data.
const (
	cardNumber = "4929123456781234"
	ssn        = "219-09-9999"
	newSSN     = "078-05-1120"
	holder     = "Zelda Plantedholder"
	email      = "zelda.planted@example.com"
	fileBody   = "Patient Zelda Plantedholder, SSN 219-09-9999, card 4929123456781234."
	header     = "planted-header-secret-value"
)

var fastRetries = facade.RetryPolicy{MaxRetries: 2, InitialBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}

var _ = Describe("the secrets sweep", func() {
	It("finds no planted secret in any log line, error string or printed value of a flow through every operation",
		func(ctx SpecContext) {
			srv, err := mockserver.Start(mockserver.WithResponseValidation(), mockserver.WithRunPolls(0))
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(func() {
				Expect(srv.Problems()).To(BeEmpty())
				srv.Close()
			})
			sw := newSweep()

			// Planted credentials: an API key, a bearer token, a private
			// key (in credentials JSON and in a file whose path is secret
			// too), and the personal data.
			apiKey := sw.secret(srv.APIKey())
			sw.secret(apiKey[len(apiKey)-32:])
			bearer, err := srv.IssueToken(time.Hour, "demo-admin")
			Expect(err).NotTo(HaveOccurred())
			sw.secret(bearer)
			credsJSON := sw.secret(srv.CredentialsJSON())
			var fields map[string]string
			Expect(json.Unmarshal([]byte(credsJSON), &fields)).To(Succeed())
			for _, line := range strings.Split(fields["privateKey"], "\n") {
				if line != "" && !strings.HasPrefix(line, "-----") {
					sw.secret(line)
				}
			}
			dir := filepath.Join(GinkgoT().TempDir(), "planted-secret-dir")
			Expect(os.Mkdir(dir, 0o700)).To(Succeed())
			credsPath := filepath.Join(dir, "planted-sa-credentials.json")
			Expect(os.WriteFile(credsPath, []byte(credsJSON), 0o600)).To(Succeed())
			sw.secret("planted-secret-dir", "planted-sa-credentials", cardNumber, ssn, newSSN, holder, email, fileBody, header)

			logs := gbytes.NewBuffer() // safe for concurrent writes
			client, err := facade.New(
				facade.WithVault(facade.VaultConfig{VaultID: srv.VaultID(), BaseURL: srv.URL(),
					Credentials: &auth.Credentials{APIKey: apiKey}}),
				facade.WithCredentials(auth.Credentials{CredentialsJSON: credsJSON, Roles: []string{"demo-admin"}}),
				facade.WithConnection(facade.ConnectionConfig{ConnectionID: srv.ConnectionID(), URL: srv.ConnectionURL(),
					Credentials: &auth.Credentials{Token: bearer}}),
				facade.WithHTTPClient(&http.Client{Transport: credentialRecorder{next: http.DefaultTransport, sw: sw}}),
				facade.WithRetryPolicy(fastRetries),
				facade.WithLogger(slog.New(tee{
					slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}),
					slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}),
				})),
				facade.WithLogLevel(skyflow.LogLevelDebug),
			)
			Expect(err).NotTo(HaveOccurred())
			vault, err := client.Vault("")
			Expect(err).NotTo(HaveOccurred())
			detect, err := client.Detect("")
			Expect(err).NotTo(HaveOccurred())
			conn, err := client.Connection("")
			Expect(err).NotTo(HaveOccurred())
			sw.value("handles", client, vault, detect, conn)

			By("insert, without and with continue-on-error")
			insReq := facade.InsertRequest{Table: "table1", ReturnTokens: true, Records: []map[string]any{{
				"card_number": cardNumber, "cardholder_name": holder, "email": email, "ssn": ssn}}}
			ins, err := vault.Insert(ctx, insReq)
			Expect(err).NotTo(HaveOccurred())
			sw.value("insert", insReq, ins)
			id := ins.Inserted[0].SkyflowID
			tokens := ins.Inserted[0].Tokens
			for _, t := range tokens {
				sw.secret(t)
			}
			coeReq := facade.InsertRequest{Table: "table1", ContinueOnError: true, ReturnTokens: true, Records: []map[string]any{
				{"cardholder_name": holder + " Two", "email": "two." + email},
				{"cardholder_name": holder, "dob": ssn}, // not a date: refused, per record
			}}
			coe, err := vault.Insert(ctx, coeReq)
			Expect(err).NotTo(HaveOccurred())
			Expect(coe.Errors).To(HaveLen(1))
			sw.value("insert continue-on-error", coeReq, coe)
			for _, r := range coe.Inserted {
				for _, t := range r.Tokens {
					sw.secret(t)
				}
			}

			By("bulk insert and bulk detokenize")
			bulkReq := facade.BulkInsertRequest{Table: "table1", ContinueOnError: true, ReturnTokens: true, ChunkSize: 2,
				Records: slices.Values([]facade.BulkRecord{
					{Fields: map[string]any{"cardholder_name": holder + " Three", "ssn": ssn}},
					{Fields: map[string]any{"cardholder_name": holder, "dob": cardNumber}}, // refused
					{Fields: map[string]any{"card_number": cardNumber, "email": "three." + email}},
				})}
			bulk, err := vault.BulkInsert(ctx, bulkReq)
			Expect(err).NotTo(HaveOccurred())
			written := 0
			for r := range bulk {
				if r.Outcome == facade.Written {
					written++
				}
				for _, t := range r.Tokens {
					sw.secret(t)
				}
				sw.value("bulk insert result", r)
			}
			Expect(written).To(Equal(2))
			sw.value("bulk insert", bulkReq)
			bulkDetReq := facade.BulkDetokenizeRequest{Tokens: slices.Values([]facade.DetokenizeToken{
				{Token: tokens["ssn"], Redaction: facade.RedactionPlainText}, {Token: "no-such-token-0001"}})}
			bulkDet, err := vault.BulkDetokenize(ctx, bulkDetReq)
			Expect(err).NotTo(HaveOccurred())
			for r := range bulkDet {
				sw.value("bulk detokenize result", r)
			}
			sw.value("bulk detokenize", bulkDetReq)

			By("get, update, query")
			getReq := facade.GetRequest{Table: "table1", IDs: []string{id}, Redaction: facade.RedactionPlainText}
			got, err := vault.Get(ctx, getReq)
			Expect(err).NotTo(HaveOccurred())
			Expect(got.Records[0].Fields).To(HaveKeyWithValue("ssn", ssn))
			byColumn := facade.GetRequest{Table: "table1", Column: "email", ColumnValues: []string{email},
				Redaction: facade.RedactionPlainText}
			gotByColumn, err := vault.Get(ctx, byColumn)
			Expect(err).NotTo(HaveOccurred())
			sw.value("get", getReq, got, byColumn, gotByColumn)
			for rec, err := range vault.Records(ctx, facade.GetRequest{Table: "table1", Redaction: facade.RedactionPlainText}) {
				Expect(err).NotTo(HaveOccurred())
				sw.value("records", rec)
			}
			updReq := facade.UpdateRequest{Table: "table1", SkyflowID: id, Fields: map[string]any{"ssn": newSSN}, ReturnTokens: true}
			upd, err := vault.Update(ctx, updReq)
			Expect(err).NotTo(HaveOccurred())
			sw.value("update", updReq, upd)
			for _, t := range upd.Tokens {
				sw.secret(t)
			}
			qReq := facade.QueryRequest{Query: "SELECT * FROM table1 WHERE email = '" + email + "'"}
			q, err := vault.Query(ctx, qReq)
			Expect(err).NotTo(HaveOccurred())
			Expect(q.Records).To(HaveLen(1))
			sw.value("query", qReq, q)

			By("detokenize and tokenize")
			detReq := facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{
				{Token: tokens["card_number"], Redaction: facade.RedactionPlainText},
				{Token: tokens["cardholder_name"], Redaction: facade.RedactionPlainText},
			}}
			det, err := vault.Detokenize(ctx, detReq)
			Expect(err).NotTo(HaveOccurred())
			Expect(det.Records[1].Value).To(Equal(holder))
			sw.value("detokenize", detReq, det)
			detCOE := facade.DetokenizeRequest{ContinueOnError: true, Tokens: []facade.DetokenizeToken{
				{Token: tokens["email"], Redaction: facade.RedactionPlainText}, {Token: "no-such-token-0000"}}}
			detPartial, err := vault.Detokenize(ctx, detCOE)
			Expect(err).NotTo(HaveOccurred())
			Expect(detPartial.Errors).To(HaveLen(1))
			sw.value("detokenize continue-on-error", detCOE, detPartial)
			tokReq := facade.TokenizeRequest{Values: []facade.TokenizeValue{{Value: cardNumber, ColumnGroup: "card_number_group"}}}
			tok, err := vault.Tokenize(ctx, tokReq)
			Expect(err).NotTo(HaveOccurred())
			sw.secret(tok.Tokens...)
			sw.value("tokenize", tokReq, tok)

			By("upload a file")
			uploadPath := filepath.Join(dir, "planted-scan.txt")
			Expect(os.WriteFile(uploadPath, []byte(fileBody), 0o600)).To(Succeed())
			upReq := facade.UploadFileRequest{Table: "documents", Column: "attachment", Path: uploadPath, ReturnFileMetadata: true}
			up, err := vault.UploadFile(ctx, upReq)
			Expect(err).NotTo(HaveOccurred())
			upReader := facade.UploadFileRequest{Table: "documents", Column: "attachment", SkyflowID: up.SkyflowID,
				Reader: strings.NewReader(fileBody), FileName: "planted-" + ssn + ".txt"}
			up2, err := vault.UploadFile(ctx, upReader)
			Expect(err).NotTo(HaveOccurred())
			sw.value("upload", upReq, up, upReader, up2)

			By("Detect: text and file")
			text := "Call " + holder + " about card " + cardNumber + ", SSN " + ssn + "."
			deidReq := facade.DeidentifyTextRequest{Text: text}
			deid, err := detect.DeidentifyText(ctx, deidReq)
			Expect(err).NotTo(HaveOccurred())
			reidReq := facade.ReidentifyTextRequest{Text: deid.ProcessedText}
			reid, err := detect.ReidentifyText(ctx, reidReq)
			Expect(err).NotTo(HaveOccurred())
			sw.value("detect text", deidReq, deid, reidReq, reid)
			outDir := filepath.Join(dir, "planted-out")
			Expect(os.Mkdir(outDir, 0o700)).To(Succeed())
			fileReq := facade.DeidentifyFileRequest{Path: uploadPath, OutputDirectory: outDir}
			fileResp, err := detect.DeidentifyFile(ctx, fileReq)
			Expect(err).NotTo(HaveOccurred())
			Expect(fileResp.Status).To(Equal(facade.RunStatusSuccess))
			run, err := detect.GetDetectRun(ctx, facade.GetDetectRunRequest{RunID: fileResp.RunID})
			Expect(err).NotTo(HaveOccurred())
			sw.value("detect file", fileReq, fileResp, run)

			By("invoke a connection")
			invReq := facade.InvokeRequest{Method: "POST", PathParams: map[string]string{"card_id": cardNumber},
				QueryParams: map[string]any{"ssn": ssn}, Headers: map[string]string{"X-Planted": header},
				Body: map[string]any{"card_number": cardNumber, "holder": holder}}
			inv, err := conn.Invoke(ctx, invReq)
			Expect(err).NotTo(HaveOccurred())
			Expect(string(inv.Raw)).To(ContainSubstring(cardNumber), "the route echoes the request")
			sw.value("invoke", invReq, inv)

			By("token generation and signed data tokens")
			bt, err := auth.GenerateBearerToken(ctx, auth.Credentials{Path: credsPath, Roles: []string{"demo-admin"}})
			Expect(err).NotTo(HaveOccurred())
			sw.secret(bt.AccessToken)
			bt2, err := auth.GenerateBearerToken(ctx, auth.Credentials{CredentialsJSON: credsJSON})
			Expect(err).NotTo(HaveOccurred())
			sw.secret(bt2.AccessToken)
			ts, err := auth.NewTokenSource(auth.Credentials{Path: credsPath})
			Expect(err).NotTo(HaveOccurred())
			sourced, err := ts.Token(ctx)
			Expect(err).NotTo(HaveOccurred())
			sw.secret(sourced)
			sw.value("tokens", bt, bt2, ts, auth.Credentials{Path: credsPath}, auth.Credentials{Token: bearer})
			signed, err := auth.GenerateSignedDataTokens(auth.Credentials{Path: credsPath, Context: "planted-ctx"},
				auth.SignedDataTokensRequest{DataTokens: []string{tokens["cardholder_name"]}})
			Expect(err).NotTo(HaveOccurred())
			sw.secret(signed[0].SignedToken)
			signed2, err := auth.GenerateSignedDataTokens(auth.Credentials{CredentialsJSON: credsJSON},
				auth.SignedDataTokensRequest{DataTokens: []string{tokens["card_number"]}})
			Expect(err).NotTo(HaveOccurred())
			sw.secret(signed2[0].SignedToken)
			sw.value("signed", signed, signed2)

			By("service-account credentials from a file, then a static bearer token")
			Expect(client.UpdateVault(facade.VaultConfig{VaultID: srv.VaultID(),
				Credentials: &auth.Credentials{Path: credsPath, Roles: []string{"demo-admin"}}})).To(Succeed())
			signedReq := facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{{Token: signed[0].SignedToken,
				Redaction: facade.RedactionPlainText}}}
			bySigned, err := vault.Detokenize(ctx, signedReq)
			Expect(err).NotTo(HaveOccurred())
			Expect(bySigned.Records[0].Value).To(Equal(holder))
			sw.value("detokenize signed", signedReq, bySigned)
			srv.InjectFault("TokenServiceDetokenize", mockserver.Fault{Status: http.StatusUnauthorized})
			afterRefresh, err := vault.Detokenize(ctx, detReq) // 401: a new token, sent once more
			Expect(err).NotTo(HaveOccurred())
			sw.value("detokenize after 401", afterRefresh)
			Expect(client.UpdateVault(facade.VaultConfig{VaultID: srv.VaultID(),
				Credentials: &auth.Credentials{Token: bearer}})).To(Succeed())
			got2, err := vault.Get(ctx, getReq)
			Expect(err).NotTo(HaveOccurred())
			sw.value("get with a static token", got2)

			By("delete")
			delReq := facade.DeleteRequest{Table: "table1", IDs: []string{id}}
			del, err := vault.Delete(ctx, delReq)
			Expect(err).NotTo(HaveOccurred())
			sw.value("delete", delReq, del)

			By("forced failures")
			srv.InjectFault("RecordServiceInsertRecord", mockserver.Fault{Status: http.StatusInternalServerError, Times: -1})
			_, err = vault.Insert(ctx, insReq)
			sw.failure("insert 500", err)
			coeFail, err := vault.Insert(ctx, coeReq)
			if err == nil {
				Expect(coeFail.Errors).NotTo(BeEmpty())
				sw.value("insert continue-on-error 500", coeFail)
			} else {
				sw.failure("insert continue-on-error 500", err)
			}
			srv.ClearFaults()
			srv.InjectFault("RecordServiceBulkGetRecord", mockserver.Fault{Status: http.StatusTooManyRequests, RetryAfter: "3600", Times: -1})
			_, err = vault.Get(ctx, getReq)
			sw.failure("get 429", err)
			srv.ClearFaults()
			srv.InjectFault("RecordServiceBulkGetRecord", mockserver.Fault{CloseConnection: true, Times: -1})
			_, err = vault.Get(ctx, getReq)
			sw.failure("get cut", err)
			srv.ClearFaults()
			srv.InjectFault("*", mockserver.Fault{Status: http.StatusServiceUnavailable, Times: -1})
			_, err = vault.Update(ctx, updReq)
			sw.failure("update 503", err)
			_, err = vault.Query(ctx, qReq)
			sw.failure("query 503", err)
			_, err = vault.Detokenize(ctx, detReq)
			sw.failure("detokenize 503", err)
			_, err = vault.Tokenize(ctx, tokReq)
			sw.failure("tokenize 503", err)
			_, err = vault.UploadFile(ctx, upReq)
			sw.failure("upload 503", err)
			_, err = detect.DeidentifyText(ctx, deidReq)
			sw.failure("deidentify 503", err)
			_, err = detect.DeidentifyFile(ctx, facade.DeidentifyFileRequest{Path: uploadPath, WaitTime: time.Second})
			sw.failure("deidentify file 503", err)
			_, err = conn.Invoke(ctx, invReq)
			sw.failure("invoke 503", err)
			_, err = vault.Delete(ctx, delReq)
			sw.failure("delete 503", err)
			srv.ClearFaults()

			srv.InjectFault("GetAuthToken", mockserver.Fault{Status: http.StatusUnauthorized, Times: -1})
			_, err = auth.GenerateBearerToken(ctx, auth.Credentials{Path: credsPath})
			sw.failure("token exchange 401", err)
			Expect(client.UpdateVault(facade.VaultConfig{VaultID: srv.VaultID(),
				Credentials: &auth.Credentials{CredentialsJSON: credsJSON}})).To(Succeed())
			_, err = vault.Get(ctx, getReq)
			sw.failure("get without a token", err)
			srv.ClearFaults()

			cancelled, cancel := context.WithCancel(ctx)
			cancel()
			_, err = vault.Get(cancelled, getReq)
			sw.failure("get cancelled", err)

			By("input refused before the network")
			_, err = vault.Insert(ctx, facade.InsertRequest{Table: "", Records: insReq.Records})
			sw.failure("insert without a table", err)
			_, err = vault.Detokenize(ctx, facade.DetokenizeRequest{Tokens: []facade.DetokenizeToken{{Token: ""}}})
			sw.failure("detokenize an empty token", err)
			_, err = vault.UploadFile(ctx, facade.UploadFileRequest{Table: "documents", Column: "attachment",
				Path: filepath.Join(dir, "planted-missing-"+ssn+".txt")})
			sw.failure("upload a missing file", err)
			_, err = conn.Invoke(ctx, facade.InvokeRequest{PathParams: map[string]string{"card_id": cardNumber, "other": ssn}})
			sw.failure("invoke with an unknown path parameter", err)
			sw.failure("SetCredentials with a bad key", client.SetCredentials(auth.Credentials{APIKey: apiKey + "0"}))
			sw.failure("credentials with two kinds", auth.Credentials{APIKey: apiKey, Token: bearer}.Validate())
			sw.failure("a missing credentials file", auth.Credentials{Path: filepath.Join(dir, "planted-missing.json")}.Validate())
			expired, err := srv.IssueToken(-time.Hour)
			Expect(err).NotTo(HaveOccurred())
			sw.secret(expired)
			sw.failure("an expired token", auth.Credentials{Token: expired}.Validate())
			_, err = auth.GenerateSignedDataTokens(auth.Credentials{CredentialsJSON: strings.Replace(credsJSON, "clientID", "client", 1)},
				auth.SignedDataTokensRequest{DataTokens: []string{tokens["ssn"]}})
			sw.failure("signing with broken credentials", err)

			By("the configurations, the client and its handles at the end")
			vcfg, err := client.GetVault(srv.VaultID())
			Expect(err).NotTo(HaveOccurred())
			ccfg, err := client.GetConnection(srv.ConnectionID())
			Expect(err).NotTo(HaveOccurred())
			common, _ := client.Credentials()
			sw.value("end", client, vault, detect, conn, vcfg, ccfg, common)

			texts := sw.texts()
			Expect(sw.errs).To(BeNumerically(">=", 20))
			Expect(len(texts)).To(BeNumerically(">", 1000))
			log := string(logs.Contents())
			Expect(log).To(ContainSubstring(`"level":"DEBUG"`), "the flow logs at DEBUG")
			for i, line := range strings.Split(log, "\n") {
				texts[fmt.Sprint("log line ", i)] = line
			}
			AddReportEntry("scanned", fmt.Sprintf("%d texts (%d log lines, %d forced errors) for %d secrets",
				len(texts), strings.Count(log, "\n"), sw.errs, len(sw.secrets)))
			Expect(sw.leaks(texts)).To(BeEmpty())
		})
})
