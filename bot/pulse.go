package bot

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// Pulses is what pulse surveys need of the domain: recording one tap.
type Pulses interface {
	RecordPulse(ctx context.Context, userID, date string, q mentoring.PulseQuestion, value int) (mentoring.PulseResult, error)
}

// pulseActionID is the action ID of the button for value n (1–5) of a pulse question:
// action IDs must differ within a block, so each point of the scale has its own.
func pulseActionID(n int) string { return "pulse_" + strconv.Itoa(n) }

// pulseRef is what a pulse button carries: the survey's date, the question and the
// value tapped.
type pulseRef struct {
	Date     string
	Question mentoring.PulseQuestion
	Value    int
}

func (r pulseRef) String() string {
	return r.Date + ":" + string(r.Question) + ":" + strconv.Itoa(r.Value)
}

func parsePulseRef(s string) (pulseRef, bool) {
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return pulseRef{}, false
	}
	if _, err := time.Parse(time.DateOnly, parts[0]); err != nil {
		return pulseRef{}, false
	}
	n, err := strconv.Atoi(parts[2])
	q := mentoring.PulseQuestion(parts[1])
	if err != nil || !q.Valid() || n < mentoring.ScaleMin || n > mentoring.ScaleMax {
		return pulseRef{}, false
	}
	return pulseRef{Date: parts[0], Question: q, Value: n}, true
}

// pulseView is one state of a pulse survey DM: the next question to tap, or the thanks.
type pulseView struct {
	Date    string
	Role    mentoring.Role
	Answers map[mentoring.PulseQuestion]int
	Note    string // what happened to the last tap, when it needs saying
}

// renderPulse renders the survey DM at its current step: the next question with five
// face buttons, or, once every question is answered, a thank-you with the answers.
func renderPulse(cat *Catalog, lang mentoring.Lang, v pulseView) []slack.Block {
	t := func(key string, data map[string]any) string { return cat.T(lang, key, data) }
	blocks := []slack.Block{header(t("pulse_title", nil))}
	if v.Note != "" {
		blocks = append(blocks, section(v.Note))
	}
	questions := mentoring.PulseQuestions(v.Role)
	next, open := mentoring.Pulse{Role: v.Role, Answers: v.Answers}.Next()
	if !open {
		var answers []string
		for _, q := range questions {
			label := scaleLabel(cat, lang, v.Answers[q])
			if q == mentoring.PulseBurden {
				label = burdenLabel(cat, lang, v.Answers[q])
			}
			answers = append(answers, t("pulse_label_"+string(q), nil)+" "+label)
		}
		return append(blocks, section(t("pulse_thanks", nil)),
			contextText(t("pulse_your_answers", map[string]any{"Answers": strings.Join(answers, " · ")})))
	}
	var buttons []slack.BlockElement
	for n := mentoring.ScaleMin; n <= mentoring.ScaleMax; n++ {
		label := scaleLabel(cat, lang, n)
		if next == mentoring.PulseBurden {
			label = burdenLabel(cat, lang, n)
		}
		buttons = append(buttons, button(pulseActionID(n), label, pulseRef{Date: v.Date, Question: next, Value: n}.String(), ""))
	}
	step := 1 + len(v.Answers)
	return append(blocks,
		section(t("pulse_q_"+string(next), nil)),
		slack.NewActionBlock("actions_pulse", buttons...),
		contextText(t("pulse_step", map[string]any{"N": step, "Of": len(questions)})+" · "+surveyDateText(lang, v.Date)),
		contextText(t("pulse_intro", nil)),
	)
}

// actionPulse records one tap and updates the same message in place: to the next
// question, or to the thanks. A second tap on a question, or a tap on an older survey,
// counts once, and the message says so.
func (b *Bot) actionPulse(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) {
	userID := cb.User.ID
	ref, ok := parsePulseRef(a.Value)
	if !ok {
		b.tellUnknownAction(ctx, userID)
		return
	}
	lang := b.langOf(ctx, userID)
	res, err := b.sessions.RecordPulse(ctx, userID, ref.Date, ref.Question, ref.Value)
	if err != nil {
		b.log.Info("pulse tap refused", "user", userID, "code", mentoring.ErrorCode(err))
		b.tellError(ctx, userID, "", lang, err)
		return
	}
	b.log.Info("pulse tap", "user", userID, "question", ref.Question, "recorded", res.Recorded, "late", res.Late)
	var note string
	switch {
	case !res.Recorded:
		note = b.cat.T(lang, "pulse_already", nil)
	case res.Late:
		note = b.cat.T(lang, "pulse_late", map[string]any{"Date": surveyDateText(lang, ref.Date)})
	}
	if res.Recorded {
		b.notify()
	}
	blocks := renderPulse(b.cat, lang, pulseView{Date: ref.Date, Role: res.Pulse.Role, Answers: res.Pulse.Answers, Note: note})
	channel, ts := clickedMessage(cb)
	if channel == "" || ts == "" {
		b.dm(ctx, userID, b.cat.T(lang, "pulse_title", nil), blocks)
		return
	}
	if _, _, _, err := b.api.UpdateMessageContext(ctx, channel, ts, slack.MsgOptionText(b.cat.T(lang, "pulse_title", nil), false),
		slack.MsgOptionBlocks(blocks...)); err != nil {
		b.log.Error("update pulse survey", "user", userID, "err", redact(err.Error()))
	}
}

// clickedMessage returns the message a button was clicked in: the container's channel
// and ts, else the payload's channel and message.
func clickedMessage(cb slack.InteractionCallback) (channel, ts string) {
	channel, ts = cb.Container.ChannelID, cb.Container.MessageTs
	if channel == "" || ts == "" {
		channel, ts = cb.Channel.ID, cb.Message.Timestamp
	}
	return channel, ts
}
