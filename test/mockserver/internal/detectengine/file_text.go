package detectengine

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// utf8BOM is the UTF-8 byte order mark, kept on output when the input has it.
const utf8BOM = "\xEF\xBB\xBF"

// csv de-identifies every cell of a CSV file and writes it back with the
// same rows and columns. Parsing is strict about quotes (RFC 4180) so that
// the shape is well defined; rows may have different lengths.
func (fp *fileProcessor) csv(data []byte) (FileOutput, error) {
	body, bom := bytes.CutPrefix(data, []byte(utf8BOM))
	r := csv.NewReader(bytes.NewReader(body))
	r.FieldsPerRecord = -1
	records, err := r.ReadAll()
	if err != nil {
		return FileOutput{}, newFileError("csv", 0, err)
	}
	for i, rec := range records {
		for j, cell := range rec {
			if rec[j], err = fp.text(cell, fmt.Sprintf("R%dC%d", i+1, j+1)); err != nil {
				return FileOutput{}, err
			}
		}
	}
	var out bytes.Buffer
	if bom {
		out.WriteString(utf8BOM)
	}
	w := csv.NewWriter(&out)
	w.UseCRLF = bytes.Contains(body, []byte("\r\n"))
	if err := w.WriteAll(records); err != nil {
		return FileOutput{}, err
	}
	return FileOutput{Data: out.Bytes(), Type: OutputRedactedFile, Extension: "csv"}, nil
}

// json de-identifies every string value of a JSON document.
func (fp *fileProcessor) json(data []byte) (FileOutput, error) {
	body, bom := bytes.CutPrefix(data, []byte(utf8BOM))
	out, err := fp.jsonDocument(body, "")
	if err != nil {
		return FileOutput{}, newFileError("json", 0, err)
	}
	trimmed := bytes.TrimSpace(body)
	if bytes.ContainsRune(trimmed, '\n') {
		var ind bytes.Buffer
		if err := json.Indent(&ind, out, "", "  "); err != nil {
			return FileOutput{}, err
		}
		out = ind.Bytes()
	}
	if bytes.HasSuffix(body, []byte("\n")) {
		out = append(out, '\n')
	}
	if bom {
		out = append([]byte(utf8BOM), out...)
	}
	return FileOutput{Data: out, Type: OutputRedactedFile, Extension: "json"}, nil
}

// jsonl de-identifies every line of a JSON Lines file. Blank lines are kept.
// The extension is json, the closest value of the extension enum.
func (fp *fileProcessor) jsonl(data []byte) (FileOutput, error) {
	body, bom := bytes.CutPrefix(data, []byte(utf8BOM))
	nl := "\n"
	if bytes.Contains(body, []byte("\r\n")) {
		nl = "\r\n"
	}
	var out bytes.Buffer
	if bom {
		out.WriteString(utf8BOM)
	}
	lines := strings.Split(string(body), "\n")
	for i, line := range lines {
		line = strings.TrimSuffix(line, "\r")
		if strings.TrimSpace(line) != "" {
			doc, err := fp.jsonDocument([]byte(line), strconv.Itoa(i+1)+":")
			if err != nil {
				return FileOutput{}, newFileError("jsonl", i+1, err)
			}
			out.Write(doc)
		}
		if i < len(lines)-1 {
			out.WriteString(nl)
		}
	}
	return FileOutput{Data: out.Bytes(), Type: OutputRedactedFile, Extension: "json"}, nil
}

// jsonDocument re-encodes one JSON value compactly, de-identifying its
// strings; pathPrefix goes before the JSON Pointer in entity paths.
func (fp *fileProcessor) jsonDocument(data []byte, pathPrefix string) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out bytes.Buffer
	if err := fp.jsonValue(dec, &out, pathPrefix); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the top-level JSON value")
	}
	return out.Bytes(), nil
}

// jsonValue copies one value from dec to out.
func (fp *fileProcessor) jsonValue(dec *json.Decoder, out *bytes.Buffer, path string) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch v := tok.(type) {
	case json.Delim:
		closing := byte('}')
		if v == '[' {
			closing = ']'
		}
		out.WriteByte(byte(v))
		for i := 0; dec.More(); i++ {
			if i > 0 {
				out.WriteByte(',')
			}
			child := path + "/" + strconv.Itoa(i)
			if v == '{' {
				key, err := dec.Token()
				if err != nil {
					return err
				}
				k, _ := key.(string)
				writeJSONString(out, k)
				out.WriteByte(':')
				child = path + "/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(k)
			}
			if err := fp.jsonValue(dec, out, child); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return err
		}
		out.WriteByte(closing)
	case string:
		s, err := fp.text(v, path)
		if err != nil {
			return err
		}
		writeJSONString(out, s)
	case json.Number:
		out.WriteString(v.String())
	case bool:
		out.WriteString(strconv.FormatBool(v))
	case nil:
		out.WriteString("null")
	}
	return nil
}

// writeJSONString writes s as a JSON string without HTML escaping.
func writeJSONString(out *bytes.Buffer, s string) {
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)           // a string always encodes
	out.Truncate(out.Len() - 1) // Encode's newline
}

// xml de-identifies the text nodes and attribute values of an XML file.
// The document is first checked for well-formedness, then rewritten token
// by token with prefixes, comments, processing instructions and directives
// kept as written.
func (fp *fileProcessor) xml(data []byte) (FileOutput, error) {
	body, bom := bytes.CutPrefix(data, []byte(utf8BOM))
	check := xml.NewDecoder(bytes.NewReader(body))
	depth, roots := 0, 0
	for {
		tok, err := check.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return FileOutput{}, newFileError("xml", 0, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(t)) > 0 {
				return FileOutput{}, newFileError("xml", 0, errors.New("text outside the root element"))
			}
		}
	}
	if roots != 1 {
		return FileOutput{}, newFileError("xml", 0, errors.New("an XML document needs exactly one root element"))
	}

	var out bytes.Buffer
	if bom {
		out.WriteString(utf8BOM)
	}
	dec := xml.NewDecoder(bytes.NewReader(body))
	var stack []string
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return FileOutput{}, newFileError("xml", 0, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := qname(t.Name)
			stack = append(stack, name)
			path := "/" + strings.Join(stack, "/")
			out.WriteString("<" + name)
			for _, a := range t.Attr {
				v := a.Value
				if a.Name.Space != "xmlns" && !(a.Name.Space == "" && a.Name.Local == "xmlns") {
					if v, err = fp.text(a.Value, path+"/@"+qname(a.Name)); err != nil {
						return FileOutput{}, err
					}
				}
				out.WriteString(" " + qname(a.Name) + `="` + escapeXML(v, true) + `"`)
			}
			out.WriteString(">")
		case xml.EndElement:
			out.WriteString("</" + qname(t.Name) + ">")
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			s := string(t)
			if len(stack) > 0 && strings.TrimSpace(s) != "" {
				if s, err = fp.text(s, "/"+strings.Join(stack, "/")); err != nil {
					return FileOutput{}, err
				}
			}
			out.WriteString(escapeXML(s, false))
		case xml.Comment:
			out.WriteString("<!--" + string(t) + "-->")
		case xml.ProcInst:
			out.WriteString("<?" + t.Target)
			if len(t.Inst) > 0 {
				out.WriteString(" " + string(t.Inst))
			}
			out.WriteString("?>")
		case xml.Directive:
			out.WriteString("<!" + string(t) + ">")
		}
	}
	return FileOutput{Data: out.Bytes(), Type: OutputRedactedFile, Extension: "xml"}, nil
}

// qname writes a raw (prefix, local) name.
func qname(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

// escapeXML escapes text for a text node or, with attr, a double-quoted
// attribute value.
func escapeXML(s string, attr bool) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '\r':
			b.WriteString("&#xD;")
		case attr && r == '"':
			b.WriteString("&quot;")
		case attr && r == '\n':
			b.WriteString("&#xA;")
		case attr && r == '\t':
			b.WriteString("&#x9;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
