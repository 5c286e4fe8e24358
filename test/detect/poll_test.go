package detect_test

import (
	"context"
	"errors"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/skyflowgo/skyflow/facade"
	"github.com/skyflowgo/skyflow/test/mockserver"
)

var _ = Describe("Detect run polling", func() {
	var e *env
	BeforeEach(func() { e = startEnv() })

	txt := func() facade.DeidentifyFileRequest {
		return facade.DeidentifyFileRequest{File: strings.NewReader(sampleText), FileName: "notes.txt"}
	}

	It("polls at once, then after 1, 2, 4, 8, 16, 32 and 1 s (64 s in all), and returns the run id while still in progress", func(ctx SpecContext) {
		e.srv.PlanRuns(mockserver.RunPlan{Polls: 8})
		resp, err := e.det.DeidentifyFile(ctx, txt())
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Status).To(Equal(facade.RunStatusInProgress))
		Expect(resp.RunID).NotTo(BeEmpty())
		Expect(resp.File).To(BeNil())
		Expect(e.clock.Waits()).To(Equal(secs(1, 2, 4, 8, 16, 32, 1)))
		var total time.Duration
		for _, w := range e.clock.Waits() {
			total += w
		}
		Expect(total).To(Equal(facade.DefaultWaitTime))
		Expect(e.srv.Count("DetectGetRun")).To(Equal(8))

		By("resuming with GetDetectRun")
		got, err := e.det.GetDetectRun(ctx, facade.GetDetectRunRequest{RunID: resp.RunID})
		Expect(err).NotTo(HaveOccurred())
		Expect(got.Status).To(Equal(facade.RunStatusSuccess))
		Expect(string(got.File)).To(ContainSubstring("[SSN_1]"))
		Expect(e.srv.Count("DetectGetRun")).To(Equal(9), "one call")
	})

	It("cuts the schedule to WaitTime", func(ctx SpecContext) {
		e.srv.PlanRuns(mockserver.RunPlan{Polls: 100})
		r := txt()
		r.WaitTime = 20 * time.Second
		resp, err := e.det.DeidentifyFile(ctx, r)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Status).To(Equal(facade.RunStatusInProgress))
		Expect(e.clock.Waits()).To(Equal(secs(1, 2, 4, 8, 5)))
	})

	It("returns at once when the run is done at the first poll", func(ctx SpecContext) {
		e.srv.PlanRuns(mockserver.RunPlan{Polls: 0})
		resp, err := e.det.DeidentifyFile(ctx, txt())
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Status).To(Equal(facade.RunStatusSuccess))
		Expect(e.clock.Waits()).To(BeEmpty())
	})

	It("returns a FAILED run as a *RunFailedError carrying the API's message and the run id", func(ctx SpecContext) {
		e.srv.PlanRuns(mockserver.RunPlan{Polls: 2, Final: "FAILED", Message: "the file is corrupt"})
		resp, err := e.det.DeidentifyFile(ctx, txt())
		Expect(resp).To(BeNil())
		var rf *facade.RunFailedError
		Expect(errors.As(err, &rf)).To(BeTrue(), "%v", err)
		Expect(rf.Status).To(Equal(facade.RunStatusFailed))
		Expect(rf.Message).To(Equal("the file is corrupt"))
		Expect(rf.RunID).NotTo(BeEmpty())
		Expect(rf.RequestID).NotTo(BeEmpty())
		Expect(rf.Operation).To(Equal("DeidentifyFile"))
		Expect(errors.Is(err, facade.ErrRunFailed)).To(BeTrue())
		Expect(err.Error()).To(ContainSubstring("failed: the file is corrupt"))
		Expect(e.clock.Waits()).To(Equal(secs(1, 2)))

		By("GetDetectRun reports the same failure")
		_, err = e.det.GetDetectRun(ctx, facade.GetDetectRunRequest{RunID: rf.RunID})
		Expect(errors.As(err, &rf)).To(BeTrue())
		Expect(rf.Operation).To(Equal("GetDetectRun"))
		Expect(rf.Message).To(Equal("the file is corrupt"))
	})

	It("fails the run of a file the API cannot parse, with its reason", func(ctx SpecContext) {
		_, err := e.det.DeidentifyFile(ctx, facade.DeidentifyFileRequest{File: strings.NewReader(`{"broken": `), FileName: "data.json"})
		var rf *facade.RunFailedError
		Expect(errors.As(err, &rf)).To(BeTrue(), "%v", err)
		Expect(rf.Message).NotTo(BeEmpty())
	})

	It("gives up on an UNKNOWN run after three polls, waiting between them (never a tight loop)", func(ctx SpecContext) {
		e.srv.PlanRuns(mockserver.RunPlan{Polls: 1, Final: "UNKNOWN"})
		_, err := e.det.DeidentifyFile(ctx, txt())
		var rf *facade.RunFailedError
		Expect(errors.As(err, &rf)).To(BeTrue(), "%v", err)
		Expect(rf.Status).To(Equal(facade.RunStatusUnknown))
		Expect(err.Error()).To(ContainSubstring("ended with status UNKNOWN"))
		Expect(e.srv.Count("DetectGetRun")).To(Equal(4), "one IN_PROGRESS, three UNKNOWN")
		Expect(e.clock.Waits()).To(Equal(secs(1, 2, 4)))

		By("GetDetectRun reports UNKNOWN as a status, not an error")
		got, err := e.det.GetDetectRun(ctx, facade.GetDetectRunRequest{RunID: rf.RunID})
		Expect(err).NotTo(HaveOccurred())
		Expect(got.Status).To(Equal(facade.RunStatusUnknown))
	})

	It("gives up on an UNKNOWN run when the schedule ends first", func(ctx SpecContext) {
		e.srv.PlanRuns(mockserver.RunPlan{Polls: 0, Final: "UNKNOWN"})
		r := txt()
		r.WaitTime = time.Second
		_, err := e.det.DeidentifyFile(ctx, r)
		Expect(err).To(MatchError(facade.ErrRunFailed))
		Expect(e.srv.Count("DetectGetRun")).To(Equal(2))
		Expect(e.clock.Waits()).To(Equal(secs(1)))
	})

	It("stops waiting when ctx is cancelled, with a *RunPollError carrying the run id", func(ctx SpecContext) {
		e.srv.PlanRuns(mockserver.RunPlan{Polls: 3})
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		e.clock.block = true
		e.clock.onAfter = cancel
		resp, err := e.det.DeidentifyFile(cctx, txt())
		Expect(resp).To(BeNil())
		Expect(errors.Is(err, context.Canceled)).To(BeTrue(), "%v", err)
		var pe *facade.RunPollError
		Expect(errors.As(err, &pe)).To(BeTrue())
		Expect(pe.RunID).NotTo(BeEmpty())
		Expect(e.srv.Count("DetectGetRun")).To(Equal(1), "no poll after the cancellation")

		By("the run can be resumed later")
		got, err := e.det.GetDetectRun(ctx, facade.GetDetectRunRequest{RunID: pe.RunID})
		Expect(err).NotTo(HaveOccurred())
		Expect(got.Status).To(Equal(facade.RunStatusInProgress))
		Expect(got.RunID).To(Equal(pe.RunID))
	})

	It("ends a real-clock wait as soon as the deadline passes", func(ctx SpecContext) {
		e.srv.PlanRuns(mockserver.RunPlan{Polls: 100})
		real := e.det.WithClock(nil)
		dctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := real.DeidentifyFile(dctx, txt())
		Expect(errors.Is(err, context.DeadlineExceeded)).To(BeTrue(), "%v", err)
		Expect(time.Since(start)).To(BeNumerically("<", 900*time.Millisecond), "well before the first 1 s wait ends")
	})

	It("stops with a *RunPollError when a poll fails, keeping the API error", func(ctx SpecContext) {
		e.srv.PlanRuns(mockserver.RunPlan{Polls: 3})
		e.srv.InjectFault("DetectGetRun", mockserver.Fault{Status: 500, Times: -1})
		_, err := e.det.DeidentifyFile(ctx, txt())
		var pe *facade.RunPollError
		Expect(errors.As(err, &pe)).To(BeTrue(), "%v", err)
		var apiErr *facade.APIError
		Expect(errors.As(err, &apiErr)).To(BeTrue())
		Expect(apiErr.StatusCode).To(Equal(500))
		Expect(pe.RunID).NotTo(BeEmpty())
	})

	It("is not slowed by a client-side retry wait: transient poll failures are retried by the transport", func(ctx SpecContext) {
		e.srv.PlanRuns(mockserver.RunPlan{Polls: 1})
		e.srv.InjectFault("DetectGetRun", mockserver.Fault{Status: 503})
		resp, err := e.det.DeidentifyFile(ctx, txt())
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Status).To(Equal(facade.RunStatusSuccess))
	})
})

var _ = Describe("GetDetectRun", func() {
	It("reads a run with one call: in progress, then done, failed or unknown", func(ctx SpecContext) {
		cfg := mockserver.DefaultConfig()
		cfg.DetectRuns = []mockserver.RunSeed{
			{ID: "run-ok", Polls: 1, OutputText: "Hello [NAME_1]"},
			{ID: "run-failed", Status: "FAILED", Message: "unsupported content"},
			{ID: "run-unknown", Status: "UNKNOWN"},
		}
		e := startEnv(mockserver.WithConfig(cfg))

		got, err := e.det.GetDetectRun(ctx, facade.GetDetectRunRequest{RunID: "run-ok"})
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(Equal(&facade.DeidentifyFileResponse{RunID: "run-ok", Status: facade.RunStatusInProgress, Message: got.Message, RequestID: got.RequestID}))
		got, err = e.det.GetDetectRun(ctx, facade.GetDetectRunRequest{RunID: "run-ok"})
		Expect(err).NotTo(HaveOccurred())
		Expect(got.Status).To(Equal(facade.RunStatusSuccess))
		Expect(string(got.File)).To(Equal("Hello [NAME_1]"))
		Expect(got.Type).To(Equal("redacted_text"))
		Expect(got.Extension).To(Equal("txt"))
		Expect(got.WordCount).To(Equal(2))
		Expect(got.CharacterCount).To(Equal(14))
		Expect(got.Entities).To(HaveLen(1))
		Expect(string(got.Entities[0].File)).To(Equal("[]"))

		_, err = e.det.GetDetectRun(ctx, facade.GetDetectRunRequest{RunID: "run-failed"})
		var rf *facade.RunFailedError
		Expect(errors.As(err, &rf)).To(BeTrue(), "%v", err)
		Expect(rf.Message).To(Equal("unsupported content"))

		got, err = e.det.GetDetectRun(ctx, facade.GetDetectRunRequest{RunID: "run-unknown"})
		Expect(err).NotTo(HaveOccurred())
		Expect(got.Status).To(Equal(facade.RunStatusUnknown))

		_, err = e.det.GetDetectRun(ctx, facade.GetDetectRunRequest{RunID: "no-such-run"})
		Expect(err).To(MatchError(facade.ErrNotFound))
		_, err = e.det.GetDetectRun(ctx, facade.GetDetectRunRequest{RunID: " "})
		Expect(err).To(MatchError(facade.ErrValidation))
		Expect(e.srv.Count("DetectGetRun")).To(Equal(5))
	})
})
