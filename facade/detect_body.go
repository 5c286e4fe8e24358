package facade

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	gdetect "github.com/skyflowgo/skyflow/gen/detect"
	"github.com/skyflowgo/skyflow/internal/errs"
)

// fileMarker stands for the file's base64 text while the request is
// marshalled; the JSON around it becomes the body's prefix and suffix.
const fileMarker = "@@skyflow-go-file-base64@@"

// bodyParts marshals the request of the plan's endpoint with fileMarker in
// place of the content, and splits the JSON around it.
func (p *filePlan) bodyParts(vaultID string) (prefix, suffix []byte, err error) {
	r, o := p.req, &p.opts
	var body any
	switch p.kind {
	case kindText:
		body = gdetect.DeidentifyTextRequest{
			File:    gdetect.FileDataDeidentifyText{Base64: fileMarker, DataFormat: gdetect.FileDataDeidentifyTextDataFormat(p.ext)},
			VaultId: vaultID, EntityTypes: o.entities, TokenType: o.tokenType, AllowRegex: o.allow, RestrictRegex: o.restrict,
			Transformations: o.transformations,
		}
	case kindAudio:
		b := gdetect.DeidentifyAudioRequest{
			File:    gdetect.FileDataDeidentifyAudio{Base64: fileMarker, DataFormat: gdetect.FileDataDeidentifyAudioDataFormat(p.ext)},
			VaultId: vaultID, EntityTypes: o.entities, TokenType: o.tokenType, AllowRegex: o.allow, RestrictRegex: o.restrict,
			Transformations:      o.transformations,
			OutputProcessedAudio: ptrIf(r.OutputProcessedAudio, true),
			OutputTranscription:  ptrIf(r.OutputTranscription != "", gdetect.DeidentifyAudioOutputTranscription(r.OutputTranscription)),
		}
		if bl := r.Bleep; bl != nil {
			gain, freq := int32(bl.Gain), int32(bl.Frequency)
			start, stop := bl.StartPadding, bl.StopPadding
			b.BleepGain, b.BleepFrequency, b.BleepStartPadding, b.BleepStopPadding = &gain, &freq, &start, &stop
		}
		body = b
	case kindPDF:
		body = gdetect.DeidentifyPdfRequest{
			File:    gdetect.FileDataDeidentifyPdf{Base64: fileMarker, DataFormat: gdetect.FileDataDeidentifyPdfDataFormat(p.ext)},
			VaultId: vaultID, EntityTypes: o.entities, TokenType: o.tokenType, AllowRegex: o.allow, RestrictRegex: o.restrict,
			Density:       ptrIf(r.PixelDensity > 0, int32(r.PixelDensity)),
			MaxResolution: ptrIf(r.MaxResolution > 0, int32(r.MaxResolution)),
		}
	case kindImage:
		body = gdetect.DeidentifyImageRequest{
			File:    gdetect.FileDataDeidentifyImage{Base64: fileMarker, DataFormat: gdetect.FileDataDeidentifyImageDataFormat(p.ext)},
			VaultId: vaultID, EntityTypes: o.entities, TokenType: o.tokenType, AllowRegex: o.allow, RestrictRegex: o.restrict,
			OutputProcessedImage: ptrIf(r.OutputProcessedImage, true),
			OutputOcrText:        ptrIf(r.OutputOCRText, true),
			MaskingMethod:        ptrIf(r.MaskingMethod != "", gdetect.DeidentifyImageMaskingMethod(r.MaskingMethod)),
		}
	case kindPresentation:
		body = gdetect.DeidentifyPresentationRequest{
			File:    gdetect.FileDataDeidentifyPresentation{Base64: fileMarker, DataFormat: gdetect.FileDataDeidentifyPresentationDataFormat(p.ext)},
			VaultId: vaultID, EntityTypes: o.entities, TokenType: o.tokenType, AllowRegex: o.allow, RestrictRegex: o.restrict,
		}
	case kindSpreadsheet:
		body = gdetect.DeidentifySpreadsheetRequest{
			File:    gdetect.FileDataDeidentifySpreadsheet{Base64: fileMarker, DataFormat: gdetect.FileDataDeidentifySpreadsheetDataFormat(p.ext)},
			VaultId: vaultID, EntityTypes: o.entities, TokenType: o.tokenType, AllowRegex: o.allow, RestrictRegex: o.restrict,
		}
	case kindDocument:
		body = gdetect.DeidentifyDocumentRequest{
			File:    gdetect.FileDataDeidentifyDocument{Base64: fileMarker, DataFormat: gdetect.FileDataDeidentifyDocumentDataFormat(p.ext)},
			VaultId: vaultID, EntityTypes: o.entities, TokenType: o.tokenType, AllowRegex: o.allow, RestrictRegex: o.restrict,
		}
	case kindStructured:
		body = gdetect.DeidentifyStructuredTextRequest{
			File:    gdetect.FileDataDeidentifyStructuredText{Base64: fileMarker, DataFormat: gdetect.FileDataDeidentifyStructuredTextDataFormat(p.ext)},
			VaultId: vaultID, EntityTypes: o.entities, TokenType: o.tokenType, AllowRegex: o.allow, RestrictRegex: o.restrict,
			Transformations: o.transformations,
		}
	default:
		body = gdetect.DeidentifyFileRequest{
			File:    gdetect.FileData{Base64: fileMarker, DataFormat: gdetect.FileDataDataFormat(p.ext)},
			VaultId: vaultID, EntityTypes: o.entities, TokenType: o.tokenType, AllowRegex: o.allow, RestrictRegex: o.restrict,
			Transformations: o.transformations,
		}
	}
	return splitAtMarker(body)
}

// splitAtMarker marshals v and returns the JSON before and after the quoted
// fileMarker (the quotes stay in prefix and suffix).
func splitAtMarker(v any) (prefix, suffix []byte, err error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, nil, err
	}
	marker := []byte(fileMarker)
	i := bytes.Index(data, marker)
	if i < 0 || bytes.Count(data, marker) != 1 {
		return nil, nil, errs.Invalid("DeidentifyFileRequest", "a value holds the text the SDK reserves for the place of the file in the body (%s)", fileMarker)
	}
	return data[:i], data[i+len(marker):], nil
}

// base64JSONBody is a JSON request body whose file content is base64
// encoded while it is read: prefix, encoded file, suffix.
type base64JSONBody struct {
	io.Reader
	length int64 // -1 when unknown
	file   io.ReadCloser
	reopen func() (io.ReadCloser, error)
}

func newBase64JSONBody(prefix, suffix []byte, src *fileSource) (*base64JSONBody, error) {
	file, err := src.openBody()
	if err != nil {
		return nil, err
	}
	b := &base64JSONBody{
		Reader: io.MultiReader(bytes.NewReader(prefix), newBase64Reader(file), bytes.NewReader(suffix)),
		length: -1,
		file:   file,
	}
	if src.size >= 0 {
		b.length = int64(len(prefix)) + int64(base64.StdEncoding.EncodedLen(int(src.size))) + int64(len(suffix))
	}
	if src.replayable() {
		b.reopen = func() (io.ReadCloser, error) {
			f, err := src.openBody()
			if err != nil {
				return nil, err
			}
			return readCloser{io.MultiReader(bytes.NewReader(prefix), newBase64Reader(f), bytes.NewReader(suffix)), f}, nil
		}
	}
	return b, nil
}

func (b *base64JSONBody) Close() error { return b.file.Close() }

// editor sets the length (no chunked encoding when the size is known) and,
// for replayable sources, GetBody so the transport can resend.
func (b *base64JSONBody) editor(_ context.Context, req *http.Request) error {
	if b.length >= 0 {
		req.ContentLength = b.length
	}
	req.GetBody = b.reopen
	return nil
}

// base64ChunkRaw is how many input bytes base64Reader encodes at a time (a
// multiple of 3, so only the last chunk is padded).
const base64ChunkRaw = 48 << 10

// base64Reader reads src and returns it base64 encoded (standard alphabet,
// padded) with fixed buffers: memory use does not grow with the input.
type base64Reader struct {
	src     io.Reader
	raw     []byte
	enc     []byte
	pending []byte
	err     error
}

func newBase64Reader(src io.Reader) *base64Reader {
	return &base64Reader{src: src}
}

func (r *base64Reader) Read(p []byte) (int, error) {
	for len(r.pending) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		if r.raw == nil {
			r.raw = make([]byte, base64ChunkRaw)
			r.enc = make([]byte, base64.StdEncoding.EncodedLen(base64ChunkRaw))
		}
		n, err := io.ReadFull(r.src, r.raw)
		switch {
		case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
			r.err = io.EOF
		case err != nil:
			r.err = err
			return 0, err
		}
		if n > 0 {
			base64.StdEncoding.Encode(r.enc, r.raw[:n])
			r.pending = r.enc[:base64.StdEncoding.EncodedLen(n)]
		}
	}
	n := copy(p, r.pending)
	r.pending = r.pending[n:]
	return n, nil
}
