package detectengine

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"regexp"
)

// blankSide is the width and height of the blank image written when an
// input image cannot be read.
const blankSide = 16

// maxDecodePixels bounds the images decoded in full; larger ones are judged
// on their header alone.
const maxDecodePixels = 25_000_000

// imageOutput returns the input when it is a well-formed image of its
// format, else a blank image of that format.
func imageOutput(data []byte, format string) FileOutput {
	out := FileOutput{Data: data, Type: OutputRedactedImage, Extension: format}
	switch format {
	case "png":
		if !decodes(data, png.DecodeConfig, png.Decode) {
			var b bytes.Buffer
			_ = png.Encode(&b, image.NewGray(image.Rect(0, 0, blankSide, blankSide))) // cannot fail on an in-memory image
			out.Data = b.Bytes()
		}
	case "jpg", "jpeg":
		if !decodes(data, jpeg.DecodeConfig, jpeg.Decode) {
			var b bytes.Buffer
			_ = jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, blankSide, blankSide)), nil) // cannot fail on an in-memory image
			out.Data = b.Bytes()
		}
	case "bmp":
		if !validBMP(data) {
			out.Data = writeBMP(blankSide, blankSide)
		}
	case "tif", "tiff":
		if !validTIFF(data) {
			out.Data = writeTIFF(blankSide, blankSide)
		}
	}
	return out
}

// decodes reports whether data is an image that decodeConfig accepts and,
// when not too large, decode too.
func decodes(data []byte, decodeConfig func(r io.Reader) (image.Config, error), decode func(r io.Reader) (image.Image, error)) bool {
	cfg, err := decodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return false
	}
	if cfg.Width*cfg.Height > maxDecodePixels {
		return true
	}
	_, err = decode(bytes.NewReader(data))
	return err == nil
}

// validBMP checks the BMP file header and a known DIB header.
func validBMP(d []byte) bool {
	if len(d) < 26 || d[0] != 'B' || d[1] != 'M' {
		return false
	}
	le := binary.LittleEndian
	if int(le.Uint32(d[10:])) > len(d) {
		return false
	}
	switch dib := le.Uint32(d[14:]); dib {
	case 12:
		return le.Uint16(d[18:]) > 0 && le.Uint16(d[20:]) > 0 && le.Uint16(d[22:]) == 1
	case 40, 52, 56, 64, 108, 124:
		if len(d) < 30 {
			return false
		}
		w, h := int32(le.Uint32(d[18:])), int32(le.Uint32(d[22:]))
		switch le.Uint16(d[28:]) {
		case 1, 4, 8, 16, 24, 32:
		default:
			return false
		}
		return w > 0 && h != 0 && le.Uint16(d[26:]) == 1
	}
	return false
}

// writeBMP writes a black 24-bit BMP (BITMAPINFOHEADER, bottom-up rows).
func writeBMP(w, h int) []byte {
	row := (w*3 + 3) &^ 3
	size := 14 + 40 + row*h
	b := make([]byte, size)
	le := binary.LittleEndian
	b[0], b[1] = 'B', 'M'
	le.PutUint32(b[2:], uint32(size))
	le.PutUint32(b[10:], 54)
	le.PutUint32(b[14:], 40)
	le.PutUint32(b[18:], uint32(w))
	le.PutUint32(b[22:], uint32(h))
	le.PutUint16(b[26:], 1)
	le.PutUint16(b[28:], 24)
	le.PutUint32(b[34:], uint32(row*h))
	le.PutUint32(b[38:], 2835) // 72 dpi
	le.PutUint32(b[42:], 2835)
	return b
}

// validTIFF checks the TIFF header and that the first IFD fits in the file.
func validTIFF(d []byte) bool {
	if len(d) < 8 {
		return false
	}
	var bo binary.ByteOrder
	switch string(d[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return false
	}
	if bo.Uint16(d[2:]) != 42 {
		return false
	}
	off := int64(bo.Uint32(d[4:]))
	if off < 8 || off+2 > int64(len(d)) {
		return false
	}
	n := int64(bo.Uint16(d[off:]))
	return n > 0 && off+2+12*n+4 <= int64(len(d))
}

// writeTIFF writes a black 8-bit greyscale baseline TIFF, little-endian,
// one uncompressed strip.
func writeTIFF(w, h int) []byte {
	const entries = 12
	ifdSize := 2 + entries*12 + 4
	xres := 8 + ifdSize
	yres := xres + 8
	pixels := yres + 8
	b := make([]byte, pixels+w*h)
	le := binary.LittleEndian
	copy(b, "II")
	le.PutUint16(b[2:], 42)
	le.PutUint32(b[4:], 8)
	le.PutUint16(b[8:], entries)
	const short, long, rational = 3, 4, 5
	tags := [entries][3]uint32{ // tag, type, value (or offset)
		{256, long, uint32(w)},
		{257, long, uint32(h)},
		{258, short, 8},
		{259, short, 1}, // no compression
		{262, short, 1}, // black is zero
		{273, long, uint32(pixels)},
		{277, short, 1},
		{278, long, uint32(h)},
		{279, long, uint32(w * h)},
		{282, rational, uint32(xres)},
		{283, rational, uint32(yres)},
		{296, short, 2}, // inches
	}
	for i, t := range tags {
		e := b[10+12*i:]
		le.PutUint16(e, uint16(t[0]))
		le.PutUint16(e[2:], uint16(t[1]))
		le.PutUint32(e[4:], 1)
		if t[1] == short {
			le.PutUint16(e[8:], uint16(t[2]))
		} else {
			le.PutUint32(e[8:], t[2])
		}
	}
	// next IFD offset stays 0
	le.PutUint32(b[xres:], 72)
	le.PutUint32(b[xres+4:], 1)
	le.PutUint32(b[yres:], 72)
	le.PutUint32(b[yres+4:], 1)
	return b
}

// wavFormat is the part of a WAV "fmt " chunk the engine needs.
type wavFormat struct {
	raw                   []byte // the chunk body as read
	tag, channels, bits   uint16
	rate, byteRate, align uint32
}

// maxSilence caps the size of the silence written for a WAV.
const maxSilence = 64 << 20

// parseWAV reads the format and the data size of a RIFF/WAVE file. The data
// size is what the file really holds, even when the header claims more.
func parseWAV(d []byte) (wavFormat, int, bool) {
	var f wavFormat
	if len(d) < 12 || string(d[:4]) != "RIFF" || string(d[8:12]) != "WAVE" {
		return f, 0, false
	}
	le := binary.LittleEndian
	haveFmt := false
	for p := int64(12); p+8 <= int64(len(d)); {
		id, size := string(d[p:p+4]), int64(le.Uint32(d[p+4:]))
		body := d[p+8 : p+8+min(size, int64(len(d))-p-8)]
		switch id {
		case "fmt ":
			if len(body) < 16 {
				return f, 0, false
			}
			f = wavFormat{raw: body, tag: le.Uint16(body), channels: le.Uint16(body[2:]), rate: le.Uint32(body[4:]),
				byteRate: le.Uint32(body[8:]), align: uint32(le.Uint16(body[12:])), bits: le.Uint16(body[14:])}
			haveFmt = true
		case "data":
			ok := haveFmt && f.channels > 0 && f.rate > 0 && f.byteRate > 0 && f.align > 0
			return f, len(body), ok
		}
		p += 8 + size + size&1
	}
	return f, 0, false
}

// wavOutput returns a WAV of silence with the input's format and duration,
// and that duration in seconds. PCM, IEEE float and extensible inputs keep
// their "fmt " chunk; other encodings become 16-bit PCM with the same
// channels and rate. An unreadable input gives an empty 8 kHz mono WAV.
func wavOutput(data []byte) (FileOutput, float64) {
	f, dataLen, ok := parseWAV(data)
	out := FileOutput{Type: OutputRedactedAudio, Extension: "wav"}
	if !ok {
		out.Data = writeWAV(pcmFormat(1, 8000), nil)
		return out, 0
	}
	duration := float64(dataLen) / float64(f.byteRate)
	fmtChunk := f.raw
	var silence []byte
	switch f.tag {
	case 1, 3, 0xFFFE:
		n := min(dataLen, maxSilence)
		n -= n % int(f.align)
		silence = make([]byte, n)
		if f.tag != 3 && f.bits == 8 { // 8-bit PCM is unsigned: silence is 128
			for i := range silence {
				silence[i] = 0x80
			}
		}
	default:
		fmtChunk = pcmFormat(f.channels, f.rate)
		frames := int64(math.Round(duration * float64(f.rate)))
		silence = make([]byte, min(frames*int64(f.channels)*2, maxSilence-maxSilence%(2*int64(f.channels))))
	}
	out.Data = writeWAV(fmtChunk, silence)
	return out, duration
}

// pcmFormat builds the "fmt " chunk body of 16-bit PCM.
func pcmFormat(channels uint16, rate uint32) []byte {
	b := make([]byte, 16)
	le := binary.LittleEndian
	le.PutUint16(b, 1)
	le.PutUint16(b[2:], channels)
	le.PutUint32(b[4:], rate)
	le.PutUint32(b[8:], rate*uint32(channels)*2)
	le.PutUint16(b[12:], channels*2)
	le.PutUint16(b[14:], 16)
	return b
}

// writeWAV assembles a RIFF/WAVE file from a "fmt " chunk body and samples.
func writeWAV(fmtChunk, samples []byte) []byte {
	var b bytes.Buffer
	le := binary.LittleEndian
	chunk := func(id string, body []byte) {
		b.WriteString(id)
		_ = binary.Write(&b, le, uint32(len(body))) // writes to a bytes.Buffer cannot fail
		b.Write(body)
		if len(body)%2 == 1 {
			b.WriteByte(0)
		}
	}
	b.WriteString("RIFF\x00\x00\x00\x00WAVE")
	chunk("fmt ", fmtChunk)
	chunk("data", samples)
	out := b.Bytes()
	le.PutUint32(out[4:], uint32(len(out)-8))
	return out
}

// mp3Duration estimates the duration of an MPEG audio layer III file from
// its first frame header, as if it were constant bit rate. It returns 0 when
// no frame header is found.
func mp3Duration(d []byte) float64 {
	start := 0
	if len(d) >= 10 && string(d[:3]) == "ID3" {
		size := int(d[6]&0x7F)<<21 | int(d[7]&0x7F)<<14 | int(d[8]&0x7F)<<7 | int(d[9]&0x7F)
		start = 10 + size
		if d[5]&0x10 != 0 {
			start += 10
		}
	}
	end := len(d)
	if end-128 >= start && end >= 128 && string(d[end-128:end-125]) == "TAG" {
		end -= 128
	}
	v1 := [15]int{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320}
	v2 := [15]int{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160}
	for i := start; i+3 < end && i < start+64<<10; i++ {
		if d[i] != 0xFF || d[i+1]&0xE0 != 0xE0 {
			continue
		}
		version, layer := (d[i+1]>>3)&3, (d[i+1]>>1)&3
		brIdx, srIdx := d[i+2]>>4, (d[i+2]>>2)&3
		if version == 1 || layer != 1 || brIdx == 0 || brIdx == 15 || srIdx == 3 {
			continue
		}
		kbps := v2[brIdx]
		if version == 3 {
			kbps = v1[brIdx]
		}
		return float64(end-i) * 8 / float64(kbps*1000)
	}
	return 0
}

// slideCount counts the slides of a pptx (its ppt/slides/slideN.xml
// parts); a ppt, or a pptx that cannot be read, counts as one slide.
func slideCount(data []byte, format string) int {
	if format != "pptx" {
		return 1
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return 1
	}
	slide := regexp.MustCompile(`^ppt/slides/slide\d+\.xml$`)
	n := 0
	for _, f := range zr.File {
		if slide.MatchString(f.Name) {
			n++
		}
	}
	return max(n, 1)
}
