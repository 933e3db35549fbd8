package bot

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// callbackJoinRating identifies the opt-in's second page: the self-rating a first
// opt-in gives, the "before" of the cycle report.
const callbackJoinRating = "join_rating"

// ratingField is the block of the rating of one subject; it equals the field name of
// the domain's errors (mentoring.CheckSelfRatings), so errors map onto blocks.
func ratingField(subject string) string { return "rating_" + subject }

// validRatingMeta accepts the metadata of the rating page: it carries the first page's
// profile, whose role and topics say what is rated.
func validRatingMeta(m modalMeta) bool { return m.Profile != nil }

// ratingPage returns the second page of a first opt-in for a checked profile, or false
// when there is nothing to rate (a mentee who only wrote topics of their own) or the
// profile would not fit in the page's metadata: then the modal closes at once.
func ratingPage(cat *Catalog, lang mentoring.Lang, p mentoring.Profile, catalogue mentoring.Catalogue) (slack.ModalViewRequest, bool) {
	if len(mentoring.RatingSubjects(p)) == 0 {
		return slack.ModalViewRequest{}, false
	}
	v := renderRatingPage(cat, lang, p, catalogue)
	return v, utf8.RuneCountInString(v.PrivateMetadata) <= maxPrivateMetadata
}

// renderRatingPage renders the self-rating page: a mentor's confidence in leading a
// senior, or a mentee's in each topic they chose, 1–5, with why it is asked and who sees it.
func renderRatingPage(cat *Catalog, lang mentoring.Lang, p mentoring.Profile, catalogue mentoring.Catalogue) slack.ModalViewRequest {
	t := func(key string) string { return cat.T(lang, key, nil) }
	intro := "join_rating_intro_mentee"
	if p.Role == mentoring.RoleMentor {
		intro = "join_rating_intro_mentor"
	}
	blocks := []slack.Block{section(t(intro))}
	blocks = append(blocks, ratingInputs(cat, lang, mentoring.RatingSubjects(p), nil, catalogue, false)...)
	blocks = append(blocks, contextText(t("join_rating_privacy")))
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      callbackJoinRating,
		Title:           plain(t("join_rating_title"), MaxModalTitle),
		Submit:          plain(t("join_rating_submit"), MaxModalTitle),
		Close:           plain(t("modal_cancel"), MaxModalTitle),
		PrivateMetadata: encodeMeta(modalMeta{Lang: lang, Profile: &p}),
		Blocks:          slack.Blocks{BlockSet: capBlocks(blocks, MaxSurfaceBlocks, "…")},
	}
}

// ratingInputs are the 1–5 confidence questions, one per subject, prefilled from
// previous; optional ones leave the answer to the person.
func ratingInputs(cat *Catalog, lang mentoring.Lang, subjects []string, previous map[string]int, catalogue mentoring.Catalogue, opt bool) []slack.Block {
	var out []slack.Block
	for _, sub := range subjects {
		label := cat.T(lang, "rating_question", map[string]any{"Subject": subjectLabel(cat, lang, sub, catalogue)})
		if sub == mentoring.SubjectLead {
			label = cat.T(lang, "rating_question_lead", nil)
		}
		in := slack.NewInputBlock(ratingField(sub), plain(label, 2000), nil,
			scaleRadio(ratingField(sub), previous[sub], func(n int) string { return confidenceLabel(cat, lang, n) }))
		in.Optional = opt
		out = append(out, in)
	}
	return out
}

// confidenceLabel is one point of the confidence scale: "3 · Somewhat confident".
func confidenceLabel(cat *Catalog, lang mentoring.Lang, n int) string {
	return cat.T(lang, "confidence_"+strconv.Itoa(n), nil)
}

// decodeRatings reads the 1–5 ratings of the subjects from a submitted view: an
// unanswered subject is left out, an unreadable answer is -1, so the domain's check
// names it.
func decodeRatings(state *slack.ViewState, subjects []string) map[string]int {
	out := map[string]int{}
	if state == nil {
		return out
	}
	for _, sub := range subjects {
		for _, a := range state.Values[ratingField(sub)] {
			v := strings.TrimSpace(a.SelectedOption.Value)
			if v == "" {
				continue
			}
			n, err := strconv.Atoi(v)
			if err != nil {
				n = -1
			}
			out[sub] = n
		}
	}
	return out
}

// ratingErrors turns the domain's field errors into the response_action errors map.
func ratingErrors(cat *Catalog, lang mentoring.Lang, errs mentoring.FieldErrors) map[string]string {
	out := make(map[string]string, len(errs))
	for field, key := range errs {
		out[field] = cat.T(lang, key, nil)
	}
	return out
}

// checkJoinRating reads the rating page before the acknowledgement: a rating missing or
// out of range comes back inline; a complete page closes and the ratings are recorded.
func (b *Bot) checkJoinRating(cb slack.InteractionCallback, meta modalMeta) viewAnswer {
	userID := cb.User.ID
	profile, errs := b.profiles.CheckProfile(userID, *meta.Profile)
	if errs != nil {
		// The first page was checked before this page was shown: the form is stale.
		return viewAnswer{work: func(ctx context.Context) { b.tellStaleForm(ctx, userID) }}
	}
	ratings := decodeRatings(cb.View.State, mentoring.RatingSubjects(profile))
	if errs := mentoring.CheckSelfRatings(profile, ratings); errs != nil {
		return viewAnswer{ack: viewErrors{ResponseAction: "errors", Errors: ratingErrors(b.cat, meta.Lang, errs)}}
	}
	return viewAnswer{work: func(ctx context.Context) { b.saveStartRatings(ctx, userID, meta.Lang, ratings) }}
}

// saveStartRatings records the ratings of someone who has just joined: the page is
// shown only once their opt-in is saved. Should they have left meanwhile, they are told.
func (b *Bot) saveStartRatings(ctx context.Context, userID string, lang mentoring.Lang, ratings map[string]int) {
	if err := b.profiles.RecordStartRatings(ctx, userID, ratings); err != nil {
		b.log.Info("start ratings refused", "user", userID, "code", mentoring.ErrorCode(err))
		b.tellError(ctx, userID, "", lang, err)
		return
	}
	b.log.Info("start ratings recorded", "user", userID, "subjects", len(ratings))
}
