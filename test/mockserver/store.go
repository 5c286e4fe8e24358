package mockserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The persistent store (WithDataDir): the server keeps serving from memory,
// and every committed write is also written to a bbolt database in the data
// directory before it is acknowledged. Writes are committed in groups: one
// goroutine takes every change queued while the previous commit was being
// synced to disk and commits them in one transaction, so concurrent writers
// share the cost of the fsync. Changes are queued while the vault lock is
// held, so the store applies them in commit order.
//
// Layout: bucket "meta" (keys of the server), bucket "runs" (Detect runs),
// and per vault a bucket "vault:<id>" with a sub-bucket per table (record
// id -> record) and a sub-bucket "detect" (Detect's vault tokens). Stored
// file bytes live in <dir>/files.

const (
	dbFile   = "skyflow-mock.db"
	filesDir = "files"
)

var (
	bucketMeta   = []byte("meta")
	bucketRuns   = []byte("runs")
	bucketDetect = []byte("detect")
)

func vaultBucket(id string) []byte   { return []byte("vault:" + id) }
func tableBucket(name string) []byte { return []byte("table:" + name) }

// storedRecord is the persisted form of a record.
type storedRecord struct {
	Seq    uint64                    `json:"s"`
	Values map[string]any            `json:"v,omitempty"`
	Tokens map[string]string         `json:"t,omitempty"`
	Files  map[string]storedFileMeta `json:"f,omitempty"`
}

// storedFileMeta is the persisted form of a stored file (its bytes are in
// <dir>/files/<id>).
type storedFileMeta struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Size        int64  `json:"size"`
	ContentType string `json:"ct"`
	Scan        string `json:"scan"`
}

// storedRun is the persisted form of a Detect run; after a restart it
// answers its final status at once.
type storedRun struct {
	VaultID  string         `json:"vault"`
	Final    string         `json:"final"`
	Message  string         `json:"message,omitempty"`
	Outputs  []storedOutput `json:"outputs,omitempty"`
	SizeKB   float64        `json:"size"`
	Words    int            `json:"words"`
	Chars    int            `json:"chars"`
	Duration float64        `json:"duration"`
	Pages    int            `json:"pages"`
	Slides   int            `json:"slides"`
}

type storedOutput struct {
	Data      []byte `json:"data"`
	Kind      string `json:"kind"`
	Extension string `json:"ext"`
}

// change is one write of a transaction: a record put (rec set) or delete, a
// Detect token, a run or a meta key.
type change struct {
	vault, table, id string
	rec              *record // nil: delete the record
	detect           *detectValue
	run              *run
	metaKey          string
	metaValue        []byte
}

// changeSet is the changes of one committed transaction, acknowledged on
// done once durable.
type changeSet struct {
	changes []change
	done    chan error
}

// store is the bbolt database of a data directory and its group committer.
type store struct {
	db    *bolt.DB
	dir   string
	mu    sync.Mutex
	queue []*changeSet
	kick  chan struct{}
	stop  chan struct{}
	done  chan struct{}
}

// openStore opens (or creates) the store of a data directory. The database
// file is locked: a second server on the same directory fails to start.
func openStore(dir string) (*store, error) {
	if err := os.MkdirAll(filepath.Join(dir, filesDir), 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	db, err := bolt.Open(filepath.Join(dir, dbFile), 0o600, &bolt.Options{
		Timeout:        time.Second,
		NoFreelistSync: true,
		FreelistType:   bolt.FreelistMapType,
	})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("data directory %s is in use by another emulator", dir)
		}
		return nil, fmt.Errorf("open the data directory's database: %w", err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketMeta, bucketRuns} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("initialise the database: %w", err)
	}
	st := &store{db: db, dir: dir, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go st.commitLoop()
	return st, nil
}

// enqueue queues the changes of a committed transaction and returns the
// channel that reports when they are durable. Callers hold the lock of
// the state they changed, so changes to the same keys queue in order.
func (st *store) enqueue(changes []change) <-chan error {
	cs := &changeSet{changes: changes, done: make(chan error, 1)}
	st.mu.Lock()
	st.queue = append(st.queue, cs)
	st.mu.Unlock()
	select {
	case st.kick <- struct{}{}:
	default:
	}
	return cs.done
}

// commitLoop commits the queued change sets in groups until close.
func (st *store) commitLoop() {
	defer close(st.done)
	for {
		select {
		case <-st.kick:
		case <-st.stop:
			st.commitQueued() // what was acknowledged-pending when closing
			return
		}
		st.commitQueued()
	}
}

// commitQueued commits everything queued in one transaction (one sync).
func (st *store) commitQueued() {
	st.mu.Lock()
	batch := st.queue
	st.queue = nil
	st.mu.Unlock()
	if len(batch) == 0 {
		return
	}
	err := st.db.Update(func(tx *bolt.Tx) error {
		for _, cs := range batch {
			for i := range cs.changes {
				if err := applyChange(tx, &cs.changes[i]); err != nil {
					return err
				}
			}
		}
		return nil
	})
	for _, cs := range batch {
		cs.done <- err
	}
}

// applyChange writes one change inside a bbolt transaction.
func applyChange(tx *bolt.Tx, c *change) error {
	switch {
	case c.metaKey != "":
		return tx.Bucket(bucketMeta).Put([]byte(c.metaKey), c.metaValue)
	case c.run != nil:
		b, err := json.Marshal(c.run.stored())
		if err != nil {
			return err
		}
		return tx.Bucket(bucketRuns).Put([]byte(c.run.id), b)
	}
	vb, err := tx.CreateBucketIfNotExists(vaultBucket(c.vault))
	if err != nil {
		return err
	}
	if c.detect != nil {
		db, err := vb.CreateBucketIfNotExists(bucketDetect)
		if err != nil {
			return err
		}
		b, err := json.Marshal([2]string{c.detect.entityType, c.detect.value})
		if err != nil {
			return err
		}
		return db.Put([]byte(c.id), b)
	}
	tb, err := vb.CreateBucketIfNotExists(tableBucket(c.table))
	if err != nil {
		return err
	}
	if c.rec == nil {
		return tb.Delete([]byte(c.id))
	}
	b, err := json.Marshal(c.rec.stored())
	if err != nil {
		return err
	}
	return tb.Put([]byte(c.id), b)
}

// close commits what is queued and closes the database.
func (st *store) close() {
	close(st.stop)
	<-st.done
	_ = st.db.Close()
}

// meta returns a meta value, or nil.
func (st *store) meta(key string) []byte {
	var out []byte
	_ = st.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get([]byte(key)); v != nil {
			out = append([]byte(nil), v...)
		}
		return nil
	})
	return out
}

// putMeta stores a meta value durably.
func (st *store) putMeta(key string, value []byte) error {
	return <-st.enqueue([]change{{metaKey: key, metaValue: value}})
}

// stored is the persisted form of a record.
func (r *record) stored() storedRecord {
	out := storedRecord{Seq: r.seq, Values: r.values, Tokens: r.tokens}
	if len(r.files) > 0 {
		out.Files = make(map[string]storedFileMeta, len(r.files))
		for col, f := range r.files {
			out.Files[col] = storedFileMeta{ID: f.id, Name: f.name, Size: f.size, ContentType: f.contentType, Scan: f.scan}
		}
	}
	return out
}

// stored is the persisted form of a run.
func (r *run) stored() storedRun {
	out := storedRun{VaultID: r.vaultID, Final: r.final, Message: r.message, SizeKB: r.result.sizeKB, Words: r.result.words,
		Chars: r.result.chars, Duration: r.result.duration, Pages: r.result.pages, Slides: r.result.slides}
	for _, o := range r.result.outputs {
		out.Outputs = append(out.Outputs, storedOutput{Data: o.data, Kind: o.kind, Extension: o.extension})
	}
	return out
}

// loadVault fills v (configured, empty) from the store and reports whether
// the store knew the vault. Records of tables no longer configured, and
// values of columns no longer configured, are left out.
func (st *store) loadVault(v *vault, filesByID func(*storedFile)) (bool, error) {
	found := false
	err := st.db.View(func(btx *bolt.Tx) error {
		vb := btx.Bucket(vaultBucket(v.id))
		if vb == nil {
			return nil
		}
		found = true
		for _, name := range v.tableOrder {
			t := v.tables[name]
			tb := vb.Bucket(tableBucket(name))
			if tb == nil {
				continue
			}
			err := tb.ForEach(func(k, data []byte) error {
				var sr storedRecord
				if err := json.Unmarshal(data, &sr); err != nil {
					return fmt.Errorf("table %s, record %s: %w", name, k, err)
				}
				rec := &record{id: string(k), seq: sr.Seq, values: map[string]any{}, tokens: map[string]string{}, files: map[string]*storedFile{}}
				for col, val := range sr.Values {
					if c, ok := t.cols[col]; ok && !c.File {
						rec.values[col] = val
					}
				}
				for col, tok := range sr.Tokens {
					if _, ok := rec.values[col]; ok && t.cols[col].Tokenized {
						rec.tokens[col] = tok
					}
				}
				for col, fm := range sr.Files {
					if c, ok := t.cols[col]; ok && c.File {
						f := &storedFile{id: fm.ID, name: fm.Name, size: fm.Size, contentType: fm.ContentType, scan: fm.Scan,
							path: filepath.Join(st.dir, filesDir, fm.ID)}
						rec.files[col] = f
						filesByID(f)
					}
				}
				if rec.seq > v.seq {
					v.seq = rec.seq
				}
				return v.addRecord(&tx{}, t, rec)
			})
			if err != nil {
				return err
			}
		}
		if db := vb.Bucket(bucketDetect); db != nil {
			return db.ForEach(func(k, data []byte) error {
				var ev [2]string
				if err := json.Unmarshal(data, &ev); err != nil {
					return err
				}
				v.detectTokens[string(k)] = detectValue{entityType: ev[0], value: ev[1]}
				v.detectByValue[ev] = string(k)
				return nil
			})
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("load vault %s: %w", v.id, err)
	}
	return found, nil
}

// loadRuns returns the stored Detect runs.
func (st *store) loadRuns() (map[string]*run, error) {
	out := map[string]*run{}
	err := st.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketRuns).ForEach(func(k, data []byte) error {
			var sr storedRun
			if err := json.Unmarshal(data, &sr); err != nil {
				return fmt.Errorf("run %s: %w", k, err)
			}
			r := &run{id: string(k), vaultID: sr.VaultID, final: sr.Final, message: sr.Message, result: runResult{
				sizeKB: sr.SizeKB, words: sr.Words, chars: sr.Chars, duration: sr.Duration, pages: sr.Pages, slides: sr.Slides}}
			for _, o := range sr.Outputs {
				r.result.outputs = append(r.result.outputs, runOutput{data: o.Data, kind: o.Kind, extension: o.Extension})
			}
			out[r.id] = r
			return nil
		})
	})
	return out, err
}
