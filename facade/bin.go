package facade

import (
	"context"
	"net/http"
	"strings"

	gvault "github.com/skyflowgo/skyflow/gen/vault"
	"github.com/skyflowgo/skyflow/internal/errs"
)

// BINLookupRequest asks for the metadata of a card: by its BIN, or by a
// card stored in the vault (SkyflowID and Card).
type BINLookupRequest struct {
	// BIN is the card's leading digits.
	BIN string
	// SkyflowID is a record holding a card; Card says where in the handle's
	// vault it is. Exclusive with BIN.
	SkyflowID string
	// Card locates the stored card (with SkyflowID).
	Card *StoredCard
	// Fields limits the metadata returned (all when empty).
	Fields []string
}

// StoredCard locates a card stored in the vault.
type StoredCard struct {
	// Table is the table holding the card (required).
	Table string
	// NumberColumn is the column of the card number (required).
	NumberColumn string
	// LastFourColumn and ExpiryColumn are the columns of the last four
	// digits and the expiry date, when the table has them.
	LastFourColumn, ExpiryColumn string
}

// Card is the metadata of a card.
type Card struct {
	// BIN is the card's BIN.
	BIN string
	// IssuerName is the issuing bank, CountryCode its country.
	IssuerName, CountryCode string
	// Currency is the card's currency.
	Currency string
	// Type (credit, debit, ...), Category and Scheme (the network).
	Type, Category, Scheme string
	// LastFourDigits and Expiry are set for a stored card.
	LastFourDigits, Expiry string
}

// BINLookupResponse is the result of LookupBIN.
type BINLookupResponse struct {
	// Cards are the matching cards.
	Cards []Card
	// RequestID is the id of the request.
	RequestID string
}

// LookupBIN returns the metadata of cards by BIN, or of a card stored in
// the vault (POST /v1/card_lookup, operation BINListServiceListCardsOfBIN).
func (v *Vault) LookupBIN(ctx context.Context, req BINLookupRequest) (*BINLookupResponse, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	const op = "LookupBIN"
	s, err := v.state()
	if err != nil {
		return nil, err
	}
	body := gvault.V1BINListRequest{BIN: optional(req.BIN), Fields: req.Fields, SkyflowId: optional(req.SkyflowID)}
	if c := req.Card; c != nil {
		id := s.id
		body.VaultSchemaConfig = &gvault.V1VaultSchemaConfig{Id: &id, TableName: &c.Table, Mapping: &gvault.V1VaultSchemaConfigMapping{
			CardNumber: &c.NumberColumn, CardLastFourDigits: optional(c.LastFourColumn), CardExpiry: optional(c.ExpiryColumn),
		}}
	}
	r, err := v.c.run(ctx, s.op(v.c, op, reads), func(ctx context.Context, edit editorFn) (*http.Response, error) {
		return s.api.BINListServiceListCardsOfBIN(ctx, body, edit)
	})
	if err != nil {
		return nil, err
	}
	var parsed gvault.V1BINListResponse
	if err := r.decode(op, &parsed); err != nil {
		return nil, err
	}
	out := &BINLookupResponse{Cards: make([]Card, len(parsed.CardsData)), RequestID: r.requestID}
	for i, c := range parsed.CardsData {
		out.Cards[i] = Card{
			BIN: deref(c.BIN), IssuerName: deref(c.IssuerName), CountryCode: deref(c.CountryCode), Currency: deref(c.Currency),
			Type: deref(c.CardType), Category: deref(c.CardCategory), Scheme: deref(c.CardScheme),
			LastFourDigits: deref(c.CardLastFourDigits), Expiry: deref(c.CardExpiry),
		}
	}
	return out, nil
}

func (r *BINLookupRequest) validate() error {
	switch {
	case r.BIN == "" && r.SkyflowID == "":
		return errs.Invalid("BIN", "is required (or SkyflowID with Card)")
	case r.BIN != "" && r.SkyflowID != "":
		return errs.Invalid("BIN", "cannot be combined with SkyflowID")
	case r.BIN != "":
		if strings.Trim(r.BIN, "0123456789") != "" {
			return errs.Invalid("BIN", "must hold digits only")
		}
		if r.Card != nil {
			return errs.Invalid("Card", "applies only with SkyflowID")
		}
	default:
		if r.Card == nil {
			return errs.Invalid("Card", "is required with SkyflowID")
		}
		if strings.TrimSpace(r.Card.Table) == "" {
			return errs.Invalid("Card.Table", "is required")
		}
		if strings.TrimSpace(r.Card.NumberColumn) == "" {
			return errs.Invalid("Card.NumberColumn", "is required")
		}
	}
	return nonEmptyEntries("Fields", r.Fields)
}
