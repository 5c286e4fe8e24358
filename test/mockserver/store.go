package mockserver

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// The persistent store (WithDataDir): the server keeps serving from memory,
// and every committed write is also made durable before it is
// acknowledged. Writes are committed in groups: one goroutine takes every
// change queued while the previous group was being synced and appends them
// to a write-ahead log with one write and one fdatasync, then acknowledges
// them all. Changes are queued while the vault lock is held, so they are
// logged in commit order. The log is checkpointed into a bbolt database (a
// synced transaction) every second or every few megabytes, then emptied; on
// start it is replayed into the database (replaying is idempotent: every
// entry is a whole value or a delete), stopping at a torn last group, which
// was never acknowledged.
//
// Layout: bucket "meta" (keys of the server), bucket "runs" (Detect runs),
// and per vault a bucket "vault:<id>" with a sub-bucket per table and a
// sub-bucket "detect" (Detect's vault tokens). A table's records are keyed
// by their insertion sequence number (8 bytes, big-endian), so new records
// append to the last page of the B+tree, which is filled completely. Stored
// file bytes live in <dir>/files.

const (
	dbFile   = "skyflow-mock.db"
	walFile  = "skyflow-mock.wal"
	filesDir = "files"

	// The log file is allocated (written with zeros) once at this size, so
	// that syncing a group never has to update the file's size. A
	// checkpoint runs when the log holds checkpointBytes, or
	// checkpointInterval after the previous one.
	walSize            = 16 << 20
	checkpointBytes    = 8 << 20
	checkpointInterval = time.Second
	// walHeader is the log's header: a magic number and the generation of
	// its records. Emptying the log starts a new generation; records of
	// older generations left in the file are not replayed.
	walHeader = 16
	walMagic  = 0x736b79666c6f7721 // "skyflow!"
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
	ID     string                    `json:"id"`
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
	seq              uint64  // of the record
	rec              *record // nil: delete the record
	detect           *detectValue
	run              *run
	metaKey          string
	metaValue        []byte
	raw              *op // a write of a Flow DB vault (flowdb.go)
}

// changeSet is the changes of one committed transaction, acknowledged on
// done once durable.
type changeSet struct {
	changes []change
	done    chan error
}

// store is the bbolt database of a data directory, its write-ahead log
// and the group committer.
type store struct {
	db    *bolt.DB
	dir   string
	mu    sync.Mutex
	queue []*changeSet
	kick  chan struct{}
	stop  chan struct{}
	done  chan struct{}

	// Owned by the commit goroutine.
	wal        *os.File
	gen        uint64 // generation of the log's records
	walBytes   int64  // bytes of records after the header
	pending    []op   // logged, not yet checkpointed
	checkpoint time.Time
}

// op is one write to the database: a put (or delete) of key in bucket b1,
// or in its sub-bucket b2 when b2 is not empty.
type op struct {
	b1, b2 string
	key    []byte
	val    []byte
	del    bool
}

// openStore opens (or creates) the store of a data directory and replays
// its log. The database file is locked: a second server on the same
// directory fails to start.
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
		if errors.Is(err, berrors.ErrTimeout) {
			return nil, fmt.Errorf("data directory %s is in use by another emulator", dir)
		}
		return nil, fmt.Errorf("open the data directory's database: %w", err)
	}
	st := &store{db: db, dir: dir, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{}), checkpoint: time.Now()}
	if err := st.recover(); err != nil {
		db.Close()
		return nil, err
	}
	go st.commitLoop()
	return st, nil
}

// recover creates the top-level buckets, replays the log into the database
// and empties it.
func (st *store) recover() error {
	f, err := os.OpenFile(filepath.Join(st.dir, walFile), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open the write-ahead log: %w", err)
	}
	st.wal = f
	data, err := io.ReadAll(f)
	if err != nil {
		f.Close()
		return fmt.Errorf("read the write-ahead log: %w", err)
	}
	var ops []op
	if len(data) >= walHeader && binary.BigEndian.Uint64(data) == walMagic {
		st.gen = binary.BigEndian.Uint64(data[8:])
		ops = decodeLog(data[walHeader:], st.gen)
	}
	if len(data) < walSize {
		if err := allocate(f, walSize); err != nil {
			f.Close()
			return fmt.Errorf("allocate the write-ahead log: %w", err)
		}
	}
	err = st.db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketMeta, bucketRuns} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return applyOps(tx, ops)
	})
	if err == nil {
		err = st.resetLog()
	}
	if err != nil {
		f.Close()
		return fmt.Errorf("replay the write-ahead log: %w", err)
	}
	return nil
}

// resetLog empties the log (its content is in the database): a header
// with the next generation, written and synced.
func (st *store) resetLog() error {
	st.gen++
	h := binary.BigEndian.AppendUint64(nil, walMagic)
	h = binary.BigEndian.AppendUint64(h, st.gen)
	if _, err := st.wal.WriteAt(h, 0); err != nil {
		return err
	}
	st.walBytes = 0
	return syncData(st.wal)
}

// allocate writes zeros up to size, so the file's blocks exist.
func allocate(f *os.File, size int64) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	zeros := make([]byte, 1<<20)
	for off := st.Size(); off < size; off += int64(len(zeros)) {
		if _, err := f.WriteAt(zeros[:min(int64(len(zeros)), size-off)], off); err != nil {
			return err
		}
	}
	return f.Sync()
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

// enqueueLater queues changes that nobody waits for: they are committed
// with the next group of acknowledged writes, or within
// checkpointInterval, without a commit (and a sync) of their own.
func (st *store) enqueueLater(changes []change) {
	st.mu.Lock()
	st.queue = append(st.queue, &changeSet{changes: changes})
	st.mu.Unlock()
}

// commitLoop commits the queued change sets in groups until close, and
// checkpoints the log.
func (st *store) commitLoop() {
	defer close(st.done)
	tick := time.NewTicker(checkpointInterval)
	defer tick.Stop()
	for {
		select {
		case <-st.kick:
			st.commitQueued()
		case <-tick.C:
			st.commitQueued() // what enqueueLater left
			if len(st.pending) > 0 && time.Since(st.checkpoint) >= checkpointInterval {
				_ = st.checkpointLog()
			}
		case <-st.stop:
			st.commitQueued() // what was pending when closing
			_ = st.checkpointLog()
			return
		}
	}
}

// commitQueued logs everything queued with one write and one fdatasync,
// then acknowledges it.
func (st *store) commitQueued() {
	st.mu.Lock()
	batch := st.queue
	st.queue = nil
	st.mu.Unlock()
	if len(batch) == 0 {
		return
	}
	var ops []op
	var err error
	for _, cs := range batch {
		for i := range cs.changes {
			o, cerr := cs.changes[i].op()
			if cerr != nil {
				err = cerr
			}
			ops = append(ops, o)
		}
	}
	if err == nil {
		rec := encodeLogRecord(ops, st.gen)
		if st.walBytes > 0 && walHeader+st.walBytes+int64(len(rec)) > walSize {
			err = st.checkpointLog() // room for the group
			rec = encodeLogRecord(ops, st.gen)
		}
		if err == nil {
			if _, err = st.wal.WriteAt(rec, walHeader+st.walBytes); err == nil {
				err = syncData(st.wal) // a group larger than the file grows it
			}
			st.walBytes += int64(len(rec))
		}
	}
	if err == nil {
		st.pending = append(st.pending, ops...)
	} else {
		// A failed write may have left part of the group in the log: put
		// the log back to what was acknowledged before it.
		_ = st.checkpointLog()
	}
	for _, cs := range batch {
		if cs.done != nil {
			cs.done <- err
		}
	}
	if st.walBytes >= checkpointBytes {
		_ = st.checkpointLog()
	}
}

// checkpointLog writes the logged changes into the database (a synced
// transaction) and empties the log.
func (st *store) checkpointLog() error {
	st.checkpoint = time.Now()
	if len(st.pending) > 0 {
		if err := st.db.Update(func(tx *bolt.Tx) error { return applyOps(tx, st.pending) }); err != nil {
			return err
		}
		st.pending = nil
	}
	return st.resetLog()
}

// op resolves a change into a database write.
func (c *change) op() (op, error) {
	switch {
	case c.raw != nil:
		return *c.raw, nil
	case c.metaKey != "":
		return op{b1: string(bucketMeta), key: []byte(c.metaKey), val: c.metaValue}, nil
	case c.run != nil:
		b, err := json.Marshal(c.run.stored())
		return op{b1: string(bucketRuns), key: []byte(c.run.id), val: b}, err
	case c.detect != nil:
		b, err := json.Marshal([2]string{c.detect.entityType, c.detect.value})
		return op{b1: string(vaultBucket(c.vault)), b2: string(bucketDetect), key: []byte(c.id), val: b}, err
	}
	o := op{b1: string(vaultBucket(c.vault)), b2: string(tableBucket(c.table)), key: binary.BigEndian.AppendUint64(nil, c.seq)}
	if c.rec == nil {
		o.del = true
		return o, nil
	}
	b, err := json.Marshal(c.rec.stored())
	o.val = b
	return o, err
}

// applyOps writes ops inside a bbolt transaction.
func applyOps(tx *bolt.Tx, ops []op) error {
	for _, o := range ops {
		b, err := tx.CreateBucketIfNotExists([]byte(o.b1))
		if err != nil {
			return err
		}
		if o.b2 != "" {
			if b, err = b.CreateBucketIfNotExists([]byte(o.b2)); err != nil {
				return err
			}
			if strings.HasPrefix(o.b2, "table:") {
				b.FillPercent = 1 // keys only grow: pack the pages
			}
		}
		if o.del {
			err = b.Delete(o.key)
		} else {
			err = b.Put(o.key, o.val)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// encodeLogRecord frames ops as one log record of generation gen: payload
// length, CRC-32C of generation and payload, generation, payload (per op:
// b1, b2, key, a delete flag, value; the byte strings length-prefixed).
func encodeLogRecord(ops []op, gen uint64) []byte {
	payload := make([]byte, 0, 256*len(ops))
	str := func(b []byte) {
		payload = binary.AppendUvarint(payload, uint64(len(b)))
		payload = append(payload, b...)
	}
	for _, o := range ops {
		str([]byte(o.b1))
		str([]byte(o.b2))
		str(o.key)
		if o.del {
			payload = append(payload, 1)
		} else {
			payload = append(payload, 0)
		}
		str(o.val)
	}
	rec := make([]byte, 16, 16+len(payload))
	binary.BigEndian.PutUint32(rec, uint32(len(payload)))
	binary.BigEndian.PutUint64(rec[8:], gen)
	rec = append(rec, payload...)
	binary.BigEndian.PutUint32(rec[4:], crc32.Checksum(rec[8:], crcTable))
	return rec
}

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// decodeLog returns the ops of the records of generation gen at the start
// of data, stopping at the first torn, corrupt or older one (the rest is
// either a group that was never acknowledged or already checkpointed).
func decodeLog(data []byte, gen uint64) []op {
	var out []op
	for len(data) >= 16 {
		n := int(binary.BigEndian.Uint32(data))
		if n > len(data)-16 || binary.BigEndian.Uint64(data[8:]) != gen ||
			crc32.Checksum(data[8:16+n], crcTable) != binary.BigEndian.Uint32(data[4:]) {
			break
		}
		ops, ok := decodeOps(data[16 : 16+n])
		if !ok {
			break
		}
		out = append(out, ops...)
		data = data[16+n:]
	}
	return out
}

// decodeOps decodes the payload of a log record.
func decodeOps(p []byte) ([]op, bool) {
	var out []op
	str := func() ([]byte, bool) {
		n, k := binary.Uvarint(p)
		if k <= 0 || uint64(len(p)-k) < n {
			return nil, false
		}
		b := p[k : k+int(n)]
		p = p[k+int(n):]
		return b, true
	}
	for len(p) > 0 {
		b1, ok1 := str()
		b2, ok2 := str()
		key, ok3 := str()
		if !ok1 || !ok2 || !ok3 || len(p) == 0 {
			return nil, false
		}
		del := p[0] == 1
		p = p[1:]
		val, ok := str()
		if !ok {
			return nil, false
		}
		out = append(out, op{b1: string(b1), b2: string(b2), key: key, val: val, del: del})
	}
	return out, true
}

// close commits what is queued, checkpoints and closes the database.
func (st *store) close() {
	close(st.stop)
	<-st.done
	_ = st.wal.Close()
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
	out := storedRecord{ID: r.id, Values: r.values, Tokens: r.tokens}
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

// storedFileIDs returns the ids of the files every stored record refers
// to, in every vault and table the store holds: configured or not (a table
// left out of the configuration keeps its records, and so its files, for
// when it comes back).
func (st *store) storedFileIDs() (map[string]bool, error) {
	ids := map[string]bool{}
	err := st.db.View(func(btx *bolt.Tx) error {
		return btx.ForEach(func(vname []byte, vb *bolt.Bucket) error {
			if !bytes.HasPrefix(vname, []byte("vault:")) {
				return nil
			}
			return vb.ForEachBucket(func(tname []byte) error {
				if !bytes.HasPrefix(tname, []byte("table:")) {
					return nil
				}
				return vb.Bucket(tname).ForEach(func(_, data []byte) error {
					var sr struct {
						Files map[string]storedFileMeta `json:"f"`
					}
					if err := json.Unmarshal(data, &sr); err != nil {
						return fmt.Errorf("a stored record does not decode")
					}
					for _, fm := range sr.Files {
						ids[fm.ID] = true
					}
					return nil
				})
			})
		})
	})
	return ids, err
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
				if err := json.Unmarshal(data, &sr); err != nil || len(k) != 8 {
					return fmt.Errorf("table %s: a stored record does not decode", name)
				}
				rec := &record{id: sr.ID, seq: binary.BigEndian.Uint64(k), values: map[string]any{}, tokens: map[string]string{}, files: map[string]*storedFile{}}
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
