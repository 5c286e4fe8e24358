package facade_test

import (
	"errors"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/facade"
	"github.com/skyflowgo/skyflow/test/mockserver"
)

var _ = Describe("stored files", func() {
	var e *env
	BeforeEach(func() { e = startEnv(nil) })

	upload := func(ctx SpecContext, content string) string {
		GinkgoHelper()
		resp, err := e.vault.UploadFile(ctx, facade.UploadFileRequest{Table: "documents", Column: "attachment",
			Reader: strings.NewReader(content), FileName: "note.txt"})
		Expect(err).NotTo(HaveOccurred())
		return resp.SkyflowID
	}

	It("reports the scan status of a clean file, an infected one and a missing one", func(ctx SpecContext) {
		clean := upload(ctx, "a harmless note")
		st, err := e.vault.FileScanStatus(ctx, facade.FileRef{Table: "documents", SkyflowID: clean, Column: "attachment"})
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Status).To(Equal(facade.ScanClean))
		Expect(st.RequestID).NotTo(BeEmpty())

		infected := upload(ctx, `X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*`)
		st, err = e.vault.FileScanStatus(ctx, facade.FileRef{Table: "documents", SkyflowID: infected, Column: "attachment"})
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Status).To(Equal(facade.ScanInfected))
		Expect(e.srv.Count("FileServiceGetFileScanStatus")).To(Equal(2))
	})

	It("deletes a stored file and keeps the record", func(ctx SpecContext) {
		id := upload(ctx, "to be deleted")
		ref := facade.FileRef{Table: "documents", SkyflowID: id, Column: "attachment"}
		del, err := e.vault.DeleteFile(ctx, ref)
		Expect(err).NotTo(HaveOccurred())
		Expect(del.SkyflowID).To(Equal(id))
		Expect(del.Deleted).To(BeTrue())

		st, err := e.vault.FileScanStatus(ctx, ref)
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Status).To(Equal(facade.ScanFileNotFound))
		got, err := e.vault.Get(ctx, facade.GetRequest{Table: "documents", IDs: []string{id}})
		Expect(err).NotTo(HaveOccurred())
		Expect(got.Records).To(HaveLen(1), "the record stays")
	})

	It("reports a file deleted, unconfirmed, when the answer to its delete was lost", func(ctx SpecContext) {
		id := upload(ctx, "deleted, answer lost")
		ref := facade.FileRef{Table: "documents", SkyflowID: id, Column: "attachment"}
		e.srv.InjectFault("FileServiceDeleteFile", mockserver.Fault{CloseAfterCommit: true})
		del, err := e.vault.DeleteFile(ctx, ref)
		Expect(err).NotTo(HaveOccurred(), "the retry finds no file: not ErrNotFound")
		Expect(del.Deleted).To(BeTrue())
		Expect(del.Unconfirmed).To(BeTrue())
		Expect(e.srv.Count("FileServiceDeleteFile")).To(Equal(2))
		st, err := e.vault.FileScanStatus(ctx, ref)
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Status).To(Equal(facade.ScanFileNotFound))
	})

	It("rejects a missing or traversing path segment before any call", func(ctx SpecContext) {
		for _, ref := range []facade.FileRef{
			{SkyflowID: "x", Column: "attachment"},
			{Table: "documents", SkyflowID: "..", Column: "attachment"},
			{Table: "documents", SkyflowID: "x", Column: "."},
		} {
			_, err := e.vault.DeleteFile(ctx, ref)
			Expect(errors.Is(err, skyflow.ErrValidation)).To(BeTrue(), "%+v: %v", ref, err)
			_, err = e.vault.FileScanStatus(ctx, ref)
			Expect(errors.Is(err, skyflow.ErrValidation)).To(BeTrue(), "%+v: %v", ref, err)
		}
		Expect(e.srv.Count("FileServiceDeleteFile") + e.srv.Count("FileServiceGetFileScanStatus")).To(BeZero())
	})
})

var _ = Describe("LookupBIN", func() {
	var e *env
	BeforeEach(func() { e = startEnv(nil) })

	It("describes the card network of a BIN", func(ctx SpecContext) {
		resp, err := e.vault.LookupBIN(ctx, facade.BINLookupRequest{BIN: "411111"})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Cards).To(HaveLen(1))
		Expect(resp.Cards[0].BIN).To(Equal("411111"))
		Expect(resp.Cards[0].Scheme).NotTo(BeEmpty())
		Expect(resp.RequestID).NotTo(BeEmpty())
	})

	It("describes a card stored in the vault, by record", func(ctx SpecContext) {
		ins, err := e.vault.Insert(ctx, facade.InsertRequest{Table: "table1", Records: []map[string]any{card(7)}})
		Expect(err).NotTo(HaveOccurred())
		resp, err := e.vault.LookupBIN(ctx, facade.BINLookupRequest{SkyflowID: ins.Inserted[0].SkyflowID,
			Card: &facade.StoredCard{Table: "table1", NumberColumn: "card_number"}})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Cards).To(HaveLen(1))
		Expect(resp.Cards[0].BIN).To(Equal(luhnCard(7)[:len(resp.Cards[0].BIN)]))
		Expect(resp.Cards[0].LastFourDigits).To(Equal(luhnCard(7)[len(luhnCard(7))-4:]))
	})

	It("rejects a request that names no card, or two, before any call", func(ctx SpecContext) {
		for _, req := range []facade.BINLookupRequest{
			{},
			{BIN: "4111x1"},
			{BIN: "411111", SkyflowID: "id"},
			{SkyflowID: "id"},
			{SkyflowID: "id", Card: &facade.StoredCard{Table: "table1"}},
		} {
			_, err := e.vault.LookupBIN(ctx, req)
			Expect(errors.Is(err, skyflow.ErrValidation)).To(BeTrue(), "%+v: %v", req, err)
		}
		Expect(e.srv.Count("BINListServiceListCardsOfBIN")).To(BeZero())
	})
})
