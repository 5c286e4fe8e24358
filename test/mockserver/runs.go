package mockserver

import (
	"encoding/base64"
	"net/http"
	"strings"
	"sync"

	"github.com/google/uuid"

	"github.com/skyflowgo/skyflow/test/mockserver/internal/detectapi"
)

// runOutput is one output of a finished run.
type runOutput struct {
	data      []byte
	kind      string // ProcessedFileType
	extension string // ProcessedFileExtension
}

// runResult is what a successful run reports.
type runResult struct {
	outputs  []runOutput
	sizeKB   float64
	words    int
	chars    int
	duration float64
	pages    int
	slides   int
	// failure, when not empty, makes the run end FAILED with this message.
	failure string
}

// run is one de-identify file run.
type run struct {
	id        string
	vaultID   string
	pollsLeft int
	final     string
	message   string
	result    runResult
}

// runStore holds the runs of a server and the plans of the next ones.
type runStore struct {
	mu           sync.Mutex
	runs         map[string]*run
	plans        []RunPlan
	defaultPolls int
	persist      *store // nil: in memory only
}

func newRunStore(defaultPolls int, persist *store) *runStore {
	return &runStore{runs: map[string]*run{}, defaultPolls: defaultPolls, persist: persist}
}

func (rs *runStore) plan(plans ...RunPlan) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.plans = append(rs.plans, plans...)
}

// seed adds a configured run.
func (rs *runStore) seed(cfg RunSeed) {
	ext := cfg.OutputExtension
	if ext == "" {
		ext = "txt"
	}
	res := runResult{
		outputs: []runOutput{
			{data: []byte(cfg.OutputText), kind: "redacted_file", extension: ext},
			{data: []byte("[]"), kind: "entities", extension: "json"},
		},
		sizeKB: float64(len(cfg.OutputText)) / 1024,
		words:  len(strings.Fields(cfg.OutputText)),
		chars:  len([]rune(cfg.OutputText)),
	}
	if ext == "txt" {
		res.outputs[0].kind = "redacted_text"
	}
	final := cfg.Status
	if final == "" {
		final = "SUCCESS"
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.runs[cfg.ID] = &run{id: cfg.ID, vaultID: cfg.VaultID, pollsLeft: cfg.Polls, final: final, message: cfg.Message, result: res}
}

// create starts a run with the next plan (or the default behaviour). A
// persistent store keeps the run (which answers its outcome at once after a
// restart) before its id is returned.
func (rs *runStore) create(vaultID string, res runResult) (string, error) {
	id, durable := rs.add(vaultID, res)
	if durable != nil {
		if err := <-durable; err != nil {
			return "", newError(http.StatusInternalServerError, "the run could not be stored: %v", err)
		}
	}
	return id, nil
}

func (rs *runStore) add(vaultID string, res runResult) (string, <-chan error) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	r := &run{id: uuid.NewString(), vaultID: vaultID, pollsLeft: rs.defaultPolls, final: "SUCCESS", result: res}
	if len(rs.plans) > 0 {
		p := rs.plans[0]
		rs.plans = rs.plans[1:]
		r.pollsLeft = p.Polls
		if p.Final != "" {
			r.final = p.Final
		}
		r.message = p.Message
	}
	if res.failure != "" && r.final == "SUCCESS" {
		r.final = "FAILED"
		r.message = res.failure
	}
	if r.final == "FAILED" && r.message == "" {
		r.message = "processing of the file failed"
	}
	rs.runs[r.id] = r
	if rs.persist == nil {
		return r.id, nil
	}
	return r.id, rs.persist.enqueue([]change{{run: r}})
}

// poll returns the run's status response, counting the poll.
func (rs *runStore) poll(id, vaultID string) (detectapi.DetectRunsResponse, error) {
	rs.mu.Lock()
	r, ok := rs.runs[id]
	status := ""
	if ok && (vaultID == "" || vaultID == r.vaultID) {
		if r.pollsLeft > 0 {
			r.pollsLeft--
			status = "IN_PROGRESS"
		} else {
			status = r.final
		}
	}
	rs.mu.Unlock()
	if status == "" {
		return detectapi.DetectRunsResponse{}, notFound("run %s not found", id)
	}
	res := r.result
	out := detectapi.DetectRunsResponse{
		Status: ptr(detectapi.DetectRunStatus(status)),
		Size:   ptr(res.sizeKB),
		WordCharacterCount: &detectapi.WordCharacterCount{
			WordCount:      ptr(int32(res.words)),
			CharacterCount: ptr(int32(res.chars)),
		},
		Duration: ptr(res.duration),
		Pages:    ptr(int32(res.pages)),
		Slides:   ptr(int32(res.slides)),
		Output:   []detectapi.DeidentifiedFileOutput{},
	}
	switch status {
	case "IN_PROGRESS":
		out.OutputType = ptr(detectapi.DetectOutputTypeUNKNOWN)
		out.Message = ptr("the run is in progress")
	case "SUCCESS":
		out.OutputType = ptr(detectapi.DetectOutputTypeBASE64)
		out.Message = ptr(r.message)
		for _, o := range res.outputs {
			out.Output = append(out.Output, detectapi.DeidentifiedFileOutput{
				ProcessedFile:          ptr(base64.StdEncoding.EncodeToString(o.data)),
				ProcessedFileType:      ptr(detectapi.ProcessedFileType(o.kind)),
				ProcessedFileExtension: ptr(detectapi.ProcessedFileExtension(o.extension)),
			})
		}
	default:
		out.OutputType = ptr(detectapi.DetectOutputTypeUNKNOWN)
		out.Message = ptr(r.message)
	}
	return out, nil
}
