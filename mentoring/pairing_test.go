package mentoring

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"testing"
	"time"
)

var now = time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)

func person(id string, role Role, dept, manager string, topics ...string) Participant {
	return Participant{UserID: id, TZOffset: 9 * 3600, Status: StatusActive, JoinedAt: now.Add(-7 * 24 * time.Hour),
		Profile: Profile{Role: role, Department: dept, ManagerID: manager, Topics: topics,
			Languages: []Lang{LangJA}, Cadence: CadenceBiweekly, Capacity: 1, Consent: true}}
}

func TestProposePairs_NeverSameDepartmentOrReportingLine(t *testing.T) {
	// CEO → head → manager → junior, all in one chain but different departments; the
	// junior must not get anyone above them, whatever the topics say.
	in := PairingInput{Now: now, Participants: []Participant{
		person("UCEO", RoleMentee, "Exec", "", "genai"),
		person("UHEAD", RoleMentee, "Sales", "UCEO", "genai"),
		person("UMGR", RoleMentee, "Marketing", "UHEAD", "genai"),
		person("UJUN", RoleMentor, "Engineering", "UMGR", "genai"),
		person("UOTHER", RoleMentor, "Sales", "", "slack"),
	}}
	prop, err := ProposePairs(in, PairingRules{Weights: DefaultWeights()})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range prop.Pairs {
		if p.MentorID == "UJUN" {
			t.Fatalf("junior paired with %s, who is in their reporting line", p.MenteeID)
		}
		if p.MentorID == "UOTHER" && p.MenteeID == "UHEAD" {
			t.Fatal("paired within Sales")
		}
	}
	// The junior is unmatched because everyone is above them.
	var found bool
	for _, u := range prop.Unmatched {
		if u.UserID == "UJUN" {
			found = true
			if u.Reason != ReasonReportingLine {
				t.Fatalf("reason %q", u.Reason)
			}
		}
	}
	if !found {
		t.Fatal("junior should be unmatched")
	}
}

func TestProposePairs_ImportedManagersCountToo(t *testing.T) {
	in := PairingInput{Now: now, Managers: map[string]string{"UJUN": "UMID", "UMID": "UBOSS"}, Participants: []Participant{
		person("UBOSS", RoleMentee, "Sales", "", "genai"),
		person("UJUN", RoleMentor, "Engineering", "", "genai"),
	}}
	if ok, why := in.Eligible(PairingRules{}, in.Participants[1], in.Participants[0]); ok || why != ReasonReportingLine {
		t.Fatalf("eligible=%v why=%q", ok, why)
	}
}

func TestProposePairs_CycleInOrgDataDoesNotHang(t *testing.T) {
	in := PairingInput{Now: now, Managers: map[string]string{"UA": "UB", "UB": "UA"}, Participants: []Participant{
		person("UA", RoleMentor, "X", "", "genai"), person("UB", RoleMentee, "Y", "", "genai"), person("UC", RoleMentee, "Z", "", "genai"),
	}}
	prop, err := ProposePairs(in, PairingRules{Weights: DefaultWeights()})
	if err != nil || len(prop.Pairs) != 1 || prop.Pairs[0].MenteeID != "UC" {
		t.Fatalf("%+v %v", prop, err)
	}
}

func TestProposePairs_LanguageRepeatAndCapacity(t *testing.T) {
	en := person("UEN", RoleMentee, "B", "", "genai")
	en.Languages = []Lang{LangEN}
	big := person("UBIG", RoleMentor, "A", "", "genai")
	big.Capacity = 2
	in := PairingInput{Now: now, Recent: map[[2]string]bool{{"UBIG", "UREP"}: true}, Participants: []Participant{
		big, en,
		person("UREP", RoleMentee, "C", "", "genai"),
		person("UM1", RoleMentee, "D", "", "genai"),
		person("UM2", RoleMentee, "E", "", "genai"),
	}}
	prop, err := ProposePairs(in, PairingRules{Weights: DefaultWeights()})
	if err != nil {
		t.Fatal(err)
	}
	if len(prop.Pairs) != 2 {
		t.Fatalf("capacity 2 should give 2 pairs: %+v", prop.Pairs)
	}
	reasons := map[string]string{}
	for _, u := range prop.Unmatched {
		reasons[u.UserID] = u.Reason
	}
	if reasons["UEN"] != ReasonNoLanguage || reasons["UREP"] != ReasonRepeat {
		t.Fatalf("reasons %v", reasons)
	}
}

func TestProposePairs_PausedAndLeftAreLeftOut(t *testing.T) {
	paused := person("UP", RoleMentee, "B", "", "genai")
	paused.Status, paused.PausedUntil = StatusPaused, now.Add(24*time.Hour)
	left := person("UL", RoleMentee, "C", "", "genai")
	left.Status = StatusLeft
	in := PairingInput{Now: now, Participants: []Participant{person("UM", RoleMentor, "A", "", "genai"), paused, left}}
	prop, _ := ProposePairs(in, PairingRules{Weights: DefaultWeights()})
	if len(prop.Pairs) != 0 || len(prop.Unmatched) != 1 || prop.Unmatched[0].Reason != ReasonNoPartner {
		t.Fatalf("%+v", prop)
	}
}

// TestProposePairs_OptimalAgainstBruteForce checks on random small organisations that no
// other valid assignment pairs more people or, pairing as many, scores higher.
func TestProposePairs_OptimalAgainstBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	topics := []string{"genai", "slack", "social", "data", "remote"}
	for iter := range 300 {
		var ps []Participant
		nm, ne := 1+rng.IntN(4), 1+rng.IntN(5)
		for i := range nm + ne {
			role := RoleMentor
			if i >= nm {
				role = RoleMentee
			}
			p := person(fmt.Sprintf("U%02d", i), role, fmt.Sprintf("D%d", rng.IntN(3)), "", topics[rng.IntN(5)], topics[rng.IntN(5)])
			p.TZOffset = []int{0, 9 * 3600, 8 * 3600, -5 * 3600}[rng.IntN(4)]
			p.Capacity = 1 + rng.IntN(2)
			if rng.IntN(3) == 0 {
				p.Languages = []Lang{LangEN}
			}
			ps = append(ps, p)
		}
		in := PairingInput{Now: now, Participants: ps}
		rules := PairingRules{Weights: DefaultWeights()}
		prop, err := ProposePairs(in, rules)
		if err != nil {
			t.Fatal(err)
		}
		bestN, bestScore := bruteForce(&in, rules, ps[:nm], ps[nm:])
		if len(prop.Pairs) != bestN || math.Abs(prop.TotalScore-bestScore) > 1e-6 {
			t.Fatalf("iter %d: got %d pairs score %.3f, best %d pairs score %.3f", iter, len(prop.Pairs), prop.TotalScore, bestN, bestScore)
		}
		for _, p := range prop.Pairs {
			var m, e Participant
			for _, x := range ps {
				if x.UserID == p.MentorID {
					m = x
				}
				if x.UserID == p.MenteeID {
					e = x
				}
			}
			if ok, why := in.Eligible(rules, m, e); !ok {
				t.Fatalf("iter %d: proposed an ineligible pair (%s)", iter, why)
			}
		}
	}
}

// bruteForce returns the most pairs any valid assignment makes and, among those with the
// fairest spread (fewest mentees beyond a mentor's first, then beyond their second), the
// highest total score.
func bruteForce(in *PairingInput, rules PairingRules, mentors, mentees []Participant) (int, float64) {
	bestN, bestExtra, bestScore := 0, [2]int{}, 0.0
	used := make([]int, len(mentors))
	var rec func(j, n int, score float64)
	rec = func(j, n int, score float64) {
		if j == len(mentees) {
			var extra [2]int
			for _, u := range used {
				extra[0] += max(0, u-1)
				extra[1] += max(0, u-2)
			}
			better := n > bestN || n == bestN && (extra[0] < bestExtra[0] ||
				extra[0] == bestExtra[0] && (extra[1] < bestExtra[1] || extra[1] == bestExtra[1] && score > bestScore+1e-9))
			if better {
				bestN, bestExtra, bestScore = n, extra, score
			}
			return
		}
		rec(j+1, n, score)
		for i, m := range mentors {
			if used[i] >= max(1, m.Capacity) {
				continue
			}
			if ok, _ := in.Eligible(rules, m, mentees[j]); !ok {
				continue
			}
			s, _ := in.score(rules.Weights, m, mentees[j])
			used[i]++
			rec(j+1, n+1, score+s)
			used[i]--
		}
	}
	rec(0, 0, 0)
	return bestN, bestScore
}

func TestTopK_KeepsTheBestWithTiesByPair(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 200 {
		k := 1 + rng.IntN(8)
		n := rng.IntN(40)
		scores := make([]float64, n)
		for i := range scores {
			scores[i] = float64(rng.IntN(6))
		}
		best := newTopK(k)
		for c, s := range scores {
			best.offer(c, s)
		}
		cols, got := best.sorted()
		// Reference: a sort by score descending, ties by the pair's tie key.
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		sort.Slice(idx, func(a, b int) bool {
			if scores[idx[a]] != scores[idx[b]] {
				return scores[idx[a]] > scores[idx[b]]
			}
			return tieKey(0, idx[a]) < tieKey(0, idx[b])
		})
		if len(idx) > k {
			idx = idx[:k]
		}
		if len(cols) != len(idx) {
			t.Fatalf("kept %d, want %d", len(cols), len(idx))
		}
		for i := range idx {
			if cols[i] != idx[i] || got[i] != scores[idx[i]] {
				t.Fatalf("got %v %v, want %v", cols, got, idx)
			}
		}
	}
}

func TestProposePairs_SparsePathMatchesDenseWhenEveryCandidateIsKept(t *testing.T) {
	in := benchOrg(60)
	dense, err := ProposePairs(in, PairingRules{Weights: DefaultWeights()})
	if err != nil {
		t.Fatal(err)
	}
	in2 := benchOrg(60)
	sparse, err := ProposePairs(in2, PairingRules{Weights: DefaultWeights(), MaxCandidates: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(dense.Pairs) != len(sparse.Pairs) || math.Abs(dense.TotalScore-sparse.TotalScore) > 1e-6 {
		t.Fatalf("dense %d pairs %.3f, sparse %d pairs %.3f", len(dense.Pairs), dense.TotalScore, len(sparse.Pairs), sparse.TotalScore)
	}
}

// Someone out of the round (already paired, paused) still links the reporting line: a
// junior whose manager is in a pair is never paired with that manager's own manager.
func TestProposePairs_ReportingLinesReachThroughPeopleOutOfTheRound(t *testing.T) {
	in := PairingInput{Now: now, Participants: []Participant{
		person("UJUN", RoleMentor, "Sales", "UMGR", "genai"),
		person("UCEO", RoleMentee, "Board", "", "genai"),
	}, Named: map[string]string{"UMGR": "UCEO"}, Known: map[string]bool{"UMGR": true}}
	prop, err := ProposePairs(in, PairingRules{Weights: DefaultWeights()})
	if err != nil {
		t.Fatal(err)
	}
	if len(prop.Pairs) != 0 {
		t.Fatalf("a junior was paired with their manager's manager: %+v", prop.Pairs)
	}
}
