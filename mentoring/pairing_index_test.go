package mentoring

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/match"
)

// exhaustiveCandidates is the reference for indexedCandidates: it checks and scores every
// pair, keeps each mentor's best limit mentees and each mentee's best
// min(limit, menteeChoices) mentors, unites the two, and counts on the way how many
// partners each rule ruled out for everyone.
func exhaustiveCandidates(rd *round, limit int) (match.Sparse, *ruleCounts) {
	counts := &ruleCounts{mentor: make([][len(reasonOrder)]int, len(rd.pm)), mentee: make([][len(reasonOrder)]int, len(rd.pe))}
	score := make([][]float64, len(rd.pm)) // NaN where a rule forbids the pair
	for r := range rd.pm {
		score[r] = make([]float64, len(rd.pe))
		for c := range rd.pe {
			if why := rd.in.ruleOut(rd.rules, &rd.pm[r], &rd.pe[c]); why >= 0 {
				counts.mentor[r][why]++
				counts.mentee[c][why]++
				score[r][c] = math.NaN()
				continue
			}
			score[r][c] = scorePrepared(rd.rules.Weights, &rd.pm[r], &rd.pe[c])
		}
	}
	keep := make([]map[int]bool, len(rd.pm))
	best := newTopK(limit)
	for r := range rd.pm {
		keep[r] = map[int]bool{}
		best.reset(r, false)
		for c, sc := range score[r] {
			if !math.IsNaN(sc) {
				best.offer(c, sc)
			}
		}
		cols, _ := best.sorted()
		for _, c := range cols {
			keep[r][c] = true
		}
	}
	mine := newTopK(min(limit, menteeChoices))
	for c := range rd.pe {
		mine.reset(c, true)
		for r := range rd.pm {
			if sc := score[r][c]; !math.IsNaN(sc) {
				mine.offer(r, sc)
			}
		}
		rows, _ := mine.sorted()
		for _, r := range rows {
			keep[r][c] = true
		}
	}
	g := match.Sparse{Cols: len(rd.pe)}
	for r := range rd.pm {
		var cols []int
		for c := range keep[r] {
			cols = append(cols, c)
		}
		slices.SortFunc(cols, func(a, b int) int {
			if score[r][a] != score[r][b] {
				return cmpFloat(score[r][b], score[r][a])
			}
			return a - b
		})
		costs := make([]float64, len(cols))
		for i, c := range cols {
			costs[i] = -score[r][c]
		}
		g.AddRow(cols, costs)
	}
	return g, counts
}

// randomOrg is an organisation with everything the rules and scores look at: departments
// by the person's word and by import (some disagreeing), a management chain with the odd
// cycle, two languages, topics and free topics, time zones, join dates, capacities,
// recent pairs, paused and departed people.
func randomOrg(rng *rand.Rand, mentors, mentees int) PairingInput {
	topics := DefaultCatalogue()
	n := mentors + mentees
	in := PairingInput{Now: now, Managers: map[string]string{}, Departments: map[string]string{}, Recent: map[[2]string]bool{}}
	id := func(i int) string { return fmt.Sprintf("U%05d", i) }
	depts := 2 + rng.IntN(8)
	for i := range n {
		role := RoleMentor
		if i >= mentors {
			role = RoleMentee
		}
		manager := ""
		if i > 0 && rng.IntN(4) > 0 {
			manager = id(rng.IntN(i))
		}
		var ts []string
		for range rng.IntN(5) {
			ts = append(ts, topics[rng.IntN(min(len(topics), 3+rng.IntN(10)))].ID)
		}
		p := person(id(i), role, fmt.Sprintf("D%d", rng.IntN(depts)), manager, ts...)
		p.Topics = slices.Compact(p.Topics)
		p.TZOffset = []int{9 * 3600, 9 * 3600, 0, -5 * 3600, 5*3600 + 1800}[rng.IntN(5)]
		p.JoinedAt = now.Add(-time.Duration(rng.IntN(20*24*7)) * time.Hour)
		switch rng.IntN(6) {
		case 0:
			p.Languages = []Lang{LangEN}
		case 1:
			p.Languages = []Lang{LangEN, LangJA}
		}
		if rng.IntN(4) == 0 {
			p.FreeTopics = "spreadsheets"
		}
		if role == RoleMentor {
			p.Capacity = 1 + rng.IntN(3)
		}
		switch rng.IntN(20) {
		case 0:
			p.Status = StatusLeft
		case 1:
			p.Status, p.PausedUntil = StatusPaused, now.Add(time.Hour)
		}
		in.Participants = append(in.Participants, p)
		if rng.IntN(3) == 0 {
			in.Departments[p.UserID] = fmt.Sprintf("d%d", rng.IntN(depts))
		}
		if rng.IntN(6) == 0 && i > 0 {
			in.Managers[p.UserID] = id(rng.IntN(n))
		}
	}
	for range rng.IntN(n) {
		in.Recent[[2]string{id(rng.IntN(mentors)), id(mentors + rng.IntN(mentees))}] = true
	}
	return in
}

// randomRules draws weights of either sign, zero now and then, and a small candidate limit
// so that the limit cuts into ties.
func randomRules(rng *rand.Rand) PairingRules {
	pick := func(typical float64) float64 {
		switch rng.IntN(6) {
		case 0:
			return 0
		case 1:
			return -typical
		}
		return typical * float64(1+rng.IntN(3))
	}
	return PairingRules{
		AllowSameDepartment: rng.IntN(5) == 0,
		Weights:             Weights{SharedTopic: pick(10), FreeTopics: pick(2), TZHour: pick(1.5), SeniorityStep: pick(1), WaitingWeek: pick(0.5)},
		MaxCandidates:       1 + rng.IntN(12),
	}
}

// The index must keep exactly what scoring every pair keeps, in the same order, and the
// proposals, unmatched reasons and rule counts included, must be the same.
func TestProposePairs_IndexedCandidatesMatchScoringEveryPair(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	count := 400
	if testing.Short() {
		count = 80
	}
	for iter := range count {
		in := randomOrg(rng, 1+rng.IntN(60), 1+rng.IntN(60))
		rules := randomRules(rng)
		if iter%10 == 0 {
			rules.Weights = DefaultWeights()
		}
		name := fmt.Sprintf("iter %d rules %+v", iter, rules)

		ref := in
		rdRef := newRound(&ref, rules)
		want, _ := exhaustiveCandidates(rdRef, rules.MaxCandidates)
		idx := in
		rdIdx := newRound(&idx, rules)
		got, _ := indexedCandidates(rdIdx, rules.MaxCandidates)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: candidates differ\ngot  %+v\nwant %+v", name, got, want)
		}

		a, err := propose(&ref, rules, exhaustiveCandidates)
		if err != nil {
			t.Fatal(err)
		}
		b, err := ProposePairs(in, rules)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("%s: proposals differ\nscoring every pair %+v\nindexed            %+v", name, a, b)
		}
	}
}

// The index is used whenever a round is large, with the default limit of fifty.
func TestProposePairs_LargeRoundUsesTheSameCandidates(t *testing.T) {
	if testing.Short() {
		t.Skip("a round above the dense limit")
	}
	in := benchOrg(denseLimit + 100)
	ref := in
	a, err := propose(&ref, PairingRules{Weights: DefaultWeights()}, exhaustiveCandidates)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ProposePairs(in, PairingRules{Weights: DefaultWeights()})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("proposals differ: %d pairs scoring %v against %d scoring %v", len(a.Pairs), a.TotalScore, len(b.Pairs), b.TotalScore)
	}
}

// The case from the issue: a mentor with room for two and the better scores for both
// mentees must leave one to the other eligible mentor, in small (dense) and large
// (candidate) rounds alike.
func TestProposePairs_OneMenteeEachBeforeASecond(t *testing.T) {
	star := person("USTAR", RoleMentor, "A", "", "genai", "slack", "data")
	star.Capacity = 2
	in := PairingInput{Now: now, Participants: []Participant{
		star,
		person("UPLAIN", RoleMentor, "B", ""),
		person("UE1", RoleMentee, "C", "", "genai", "slack", "data"),
		person("UE2", RoleMentee, "D", "", "genai", "slack", "data"),
	}}
	for _, rules := range []PairingRules{{Weights: DefaultWeights()}, {Weights: DefaultWeights(), MaxCandidates: 5}} {
		prop, err := ProposePairs(in, rules)
		if err != nil {
			t.Fatal(err)
		}
		mentors := map[string]int{}
		for _, p := range prop.Pairs {
			mentors[p.MentorID]++
			if p.ExtraSlot != 0 || p.SlotReason != "" {
				t.Fatalf("%+v: nobody needs a second slot", p)
			}
		}
		if len(prop.Pairs) != 2 || mentors["USTAR"] != 1 || mentors["UPLAIN"] != 1 {
			t.Fatalf("limit %d: pairs %+v, want one mentee each", rules.MaxCandidates, prop.Pairs)
		}
	}
}

// Every second or third mentee comes with its reason, and the reason holds: no mentor who
// could take that mentee, with room for one more, has fewer than one mentee less.
func TestProposePairs_ExtraSlotsAreExplainedAndTrue(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	extras := 0
	for iter := range 150 {
		in := randomOrg(rng, 2+rng.IntN(15), 5+rng.IntN(40))
		rules := PairingRules{Weights: DefaultWeights()}
		if iter%2 == 1 {
			rules.MaxCandidates = 2 + rng.IntN(6)
		}
		prop, err := ProposePairs(in, rules)
		if err != nil {
			t.Fatal(err)
		}
		rd := newRound(&in, rules)
		mentorAt := map[string]int{}
		for i, m := range rd.mentors {
			mentorAt[m.UserID] = i
		}
		menteeAt := map[string]int{}
		for i, e := range rd.mentees {
			menteeAt[e.UserID] = i
		}
		// Who could take whom: eligible, and in a candidate round a candidate.
		could := func(r, c int) bool { return rd.in.ruleOut(rules, &rd.pm[r], &rd.pe[c]) < 0 }
		if rules.MaxCandidates > 0 {
			g, _ := exhaustiveCandidates(rd, rules.MaxCandidates)
			could = func(r, c int) bool { return slices.Contains(g.Col[g.Start[r]:g.Start[r+1]], c) }
		}
		load := make([]int, len(rd.mentors))
		slotsSeen := map[string][]int{}
		for _, p := range prop.Pairs {
			load[mentorAt[p.MentorID]]++
			slotsSeen[p.MentorID] = append(slotsSeen[p.MentorID], p.ExtraSlot)
			if (p.ExtraSlot > 0) != (p.SlotReason == ReasonNoFreeMentor) || p.ExtraSlot == 0 && p.SlotReason != "" {
				t.Fatalf("iter %d: %+v", iter, p)
			}
		}
		for mentor, s := range slotsSeen {
			slices.Sort(s)
			for k, x := range s {
				if x != k {
					t.Fatalf("iter %d: mentor %s has slots %v", iter, mentor, s)
				}
			}
		}
		for _, p := range prop.Pairs {
			r, c := mentorAt[p.MentorID], menteeAt[p.MenteeID]
			if load[r] < 2 {
				continue
			}
			extras++
			for z := range rd.mentors {
				if z != r && could(z, c) && load[z] < max(1, rd.mentors[z].Capacity) && load[z] < load[r]-1 {
					t.Fatalf("iter %d: %s has %d mentees while %s, with %d and room, could take %s",
						iter, p.MentorID, load[r], rd.mentors[z].UserID, load[z], p.MenteeID)
				}
			}
		}
	}
	if extras < 50 {
		t.Fatalf("only %d pairs beyond a first slot: the test proves little", extras)
	}
}

// The same people in another order give the same proposal.
func TestProposePairs_IsDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for range 30 {
		in := randomOrg(rng, 5+rng.IntN(40), 5+rng.IntN(40))
		for _, rules := range []PairingRules{{Weights: DefaultWeights()}, {Weights: DefaultWeights(), MaxCandidates: 4}} {
			first, err := ProposePairs(in, rules)
			if err != nil {
				t.Fatal(err)
			}
			shuffled := in
			shuffled.Participants = slices.Clone(in.Participants)
			rng.Shuffle(len(shuffled.Participants), func(i, j int) {
				shuffled.Participants[i], shuffled.Participants[j] = shuffled.Participants[j], shuffled.Participants[i]
			})
			again, err := ProposePairs(shuffled, rules)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(first, again) {
				t.Fatalf("two proposals for the same people differ:\n%+v\n%+v", first, again)
			}
		}
	}
}

// A round with nobody on one side leaves everyone on the other unmatched for want of a
// partner, whichever way it finds candidates.
func TestProposePairs_OneSideEmpty(t *testing.T) {
	for _, role := range []Role{RoleMentor, RoleMentee} {
		in := PairingInput{Now: now, Participants: []Participant{
			person("UA", role, "A", "", "genai"), person("UB", role, "B", "", "slack"),
		}}
		for _, rules := range []PairingRules{{Weights: DefaultWeights()}, {Weights: DefaultWeights(), MaxCandidates: 3}} {
			prop, err := ProposePairs(in, rules)
			if err != nil {
				t.Fatal(err)
			}
			if len(prop.Pairs) != 0 || len(prop.Unmatched) != 2 {
				t.Fatalf("%s only, limit %d: %+v", role, rules.MaxCandidates, prop)
			}
			for _, u := range prop.Unmatched {
				if u.Reason != ReasonNoPartner || u.Counts != nil {
					t.Fatalf("%s only, limit %d: %+v", role, rules.MaxCandidates, u)
				}
			}
		}
	}
}

// The case from the issue: in a large round every mentor's short list is crowded by the
// same popular mentees. Each mentee's own choices keep the others reachable, so the
// round pairs everyone the rules allow, as a full search would.
func TestProposePairs_CrowdedCandidateListsStillPairEveryone(t *testing.T) {
	in := PairingInput{Now: now}
	for i := range 6 {
		in.Participants = append(in.Participants,
			person(fmt.Sprintf("UM%d", i), RoleMentor, fmt.Sprintf("M%d", i), "", "genai", "slack", "data"))
	}
	// One mentee shares every topic with every mentor; the others share none.
	in.Participants = append(in.Participants, person("UPOPULAR", RoleMentee, "E", "", "genai", "slack", "data"))
	for i := range 5 {
		in.Participants = append(in.Participants, person(fmt.Sprintf("UE%d", i), RoleMentee, fmt.Sprintf("E%d", i), ""))
	}
	full, err := ProposePairs(in, PairingRules{Weights: DefaultWeights()})
	if err != nil {
		t.Fatal(err)
	}
	limited, err := ProposePairs(in, PairingRules{Weights: DefaultWeights(), MaxCandidates: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(full.Pairs) != 6 || len(limited.Pairs) != len(full.Pairs) {
		t.Fatalf("scoring every pair pairs %d, a short candidate list %d; want 6 both: %+v", len(full.Pairs), len(limited.Pairs), limited.Unmatched)
	}
}
