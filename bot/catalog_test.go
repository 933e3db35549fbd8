package bot

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

func TestCatalog_BothLanguagesHaveEveryKey(t *testing.T) {
	ja, err := catalogKeys(mentoring.LangJA)
	if err != nil {
		t.Fatal(err)
	}
	en, err := catalogKeys(mentoring.LangEN)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range en {
		if !slices.Contains(ja, k) {
			t.Errorf("the Japanese catalog lacks %q", k)
		}
	}
	for _, k := range ja {
		if !slices.Contains(en, k) {
			t.Errorf("the English catalog lacks %q", k)
		}
	}
}

// TestCatalog_EveryKeyUsedInCodeExists finds message keys in the Go sources of this
// package and of the domain (which names keys in its errors) and checks each is defined.
func TestCatalog_EveryKeyUsedInCodeExists(t *testing.T) {
	keys, err := catalogKeys(mentoring.LangEN)
	if err != nil {
		t.Fatal(err)
	}
	// Message keys appear as the key argument of T, of the local t helper, as a domain
	// error's MessageKey, and as the values of the domain's field errors.
	literal := regexp.MustCompile(`(?:\bT\([A-Za-z.]+, |\bt\(|MessageKey: +|errs\["[a-z_]+"\] = )"([a-z0-9_]+)"`)
	var files []string
	for _, dir := range []string{".", "../mentoring"} {
		m, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		files = append(files, m...)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllStringSubmatch(string(src), -1) {
			if !strings.HasSuffix(m[1], "_") && !slices.Contains(keys, m[1]) {
				t.Errorf("%s uses undefined message %q", f, m[1])
			}
		}
	}
}

func TestCatalog_TemplatesRenderWithoutGaps(t *testing.T) {
	cat, err := NewCatalog(mentoring.LangJA)
	if err != nil {
		t.Fatal(err)
	}
	keys, _ := catalogKeys(mentoring.LangEN)
	data := map[string]any{"Name": "Aiko", "Text": "x", "Max": 80, "MaxCap": 3, "MaxTopN": 10, "N": 2,
		"Since": "2026-04-01", "Until": "2026-05-01", "Role": "r", "Department": "d", "Manager": "m",
		"Topics": "t", "Languages": "l", "Cadence": "c", "Capacity": 1, "IsMentor": true,
		"ID": 3, "Pairs": 2, "Unmatched": 1, "By": "UHR", "Page": 1, "Pages": 2, "Mentor": "UM", "Mentee": "UE",
		"User": "UX", "Reason": "r", "Hours": "1", "TZ": "tz", "Score": "2.0", "Partner": "UP", "Queued": 1, "Sent": 2, "Retried": 0, "Failed": 0, "Waiting": 2, "Partners": "<@UP>", "Status": "approved",
		"Command": "/reverse-mentor x", "Alias": "x", "Joined": 1, "Active": 1, "Paused": 0, "Left": 0, "Mentors": 1, "Mentees": 0,
		"Count": 2, "Points": "+2", "Why": "w", "Slot": 1, "Managers": "<@UM>", "A": 1, "B": 2, "BeforeA": "1.0", "BeforeB": "2.0",
		"AfterA": "1.0", "AfterB": "2.0", "Delta": "+0", "Free": 1, "Proposed": 2, "Date": "2026-04-06",
		"K": 5, "Spark": "▁▃▅", "Value": "3.2", "Weeks": 8, "From": "6/19", "To": "6/26", "New": 1, "Stalled": 0, "Due": 4,
		"Held": 3, "Open": 1, "Handled": 2, "Groups": "Sales 5", "Changes": "mood up 0.2",
		"Purpose": "p", "Rate": 75, "RateShown": true, "Answers": 12, "Again": "8.5", "Before": "2.0",
		"After": "3.5", "Change": "+1.5", "People": 6, "Flags": 2,
		"Of": 3, "Label": "😐", "Missed": 2, "Met": "yes", "At": "4月20日 10:00", "Cause": "c", "Others": true,
		"Files": "pairs.csv", "Done": "pairs.csv", "What": "all", "Subject": "s"}
	for _, l := range mentoring.Langs {
		for _, k := range keys {
			s := cat.T(l, k, data)
			if s == "" || strings.HasPrefix(s, "[") || strings.Contains(s, "<no value>") {
				t.Errorf("%s %s renders %q", l, k, s)
			}
		}
	}
}

// TestCatalog_DynamicKeysComplete covers keys built from a prefix and a value.
func TestCatalog_DynamicKeysComplete(t *testing.T) {
	keys, err := catalogKeys(mentoring.LangEN)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"role_name_unknown"}
	for _, l := range mentoring.Langs {
		want = append(want, "lang_name_"+string(l), "button_lang_"+string(l))
	}
	for _, c := range mentoring.Cadences {
		want = append(want, "cadence_"+string(c))
	}
	for _, r := range []mentoring.Role{mentoring.RoleMentor, mentoring.RoleMentee} {
		want = append(want, "role_name_"+string(r))
	}
	for _, r := range []string{mentoring.ReasonSameDepartment, mentoring.ReasonReportingLine, mentoring.ReasonRepeat,
		mentoring.ReasonNoLanguage, mentoring.ReasonNoPartner, mentoring.ReasonCapacityFull, mentoring.ReasonOutnumbered,
		mentoring.ReasonRemovedByHR} {
		for _, role := range []mentoring.Role{mentoring.RoleMentor, mentoring.RoleMentee} {
			want = append(want, hrReasonKey(r, role), personReasonKey(r, role))
		}
	}
	for _, r := range []string{mentoring.ReasonNoFreeMentor, mentoring.ReasonSwappedByHR} {
		want = append(want, "round_slot_"+r)
	}
	for _, c := range []string{mentoring.ChangeLeft, mentoring.ChangePaused, mentoring.ChangeRole, mentoring.ChangePaired,
		mentoring.ChangeCapacity, mentoring.ChangeRules} {
		want = append(want, "change_"+c)
	}
	for n := mentoring.ScaleMin; n <= mentoring.ScaleMax; n++ {
		want = append(want, fmt.Sprintf("scale_%d", n), fmt.Sprintf("burden_%d", n))
	}
	for _, m := range []mentoring.Met{mentoring.MetYes, mentoring.MetRescheduled, mentoring.MetNotYet} {
		want = append(want, "met_"+string(m))
	}
	for _, q := range mentoring.PulseQuestions(mentoring.RoleMentor) {
		want = append(want, "pulse_q_"+string(q), "pulse_label_"+string(q))
	}
	for _, c := range mentoring.FlagCauses {
		want = append(want, "flag_cause_"+string(c), "flag_kind_"+string(c))
	}
	for _, role := range []string{"mentor", "mentee"} {
		want = append(want, "join_rating_intro_"+role, "survey_modal_intro_"+role, "survey_reflection_"+role,
			"survey_reflection_placeholder_"+role, "survey_ratings_"+role)
	}
	for n := mentoring.ScaleMin; n <= mentoring.ScaleMax; n++ {
		want = append(want, fmt.Sprintf("confidence_%d", n))
	}
	for _, r := range []string{mentoring.ReasonSameDepartment, mentoring.ReasonReportingLine, mentoring.ReasonRepeat, mentoring.ReasonNoLanguage} {
		want = append(want, "rule_"+r)
	}
	for _, k := range want {
		if !slices.Contains(keys, k) {
			t.Errorf("catalog lacks %q", k)
		}
	}
}
