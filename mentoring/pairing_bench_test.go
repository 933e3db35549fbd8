package mentoring

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchOrg makes n mentors and n mentees in 20 departments with a manager hierarchy.
func benchOrg(n int) PairingInput {
	rng := rand.New(rand.NewPCG(1, 1))
	topics := DefaultCatalogue()
	var ps []Participant
	for i := range 2 * n {
		role := RoleMentor
		if i >= n {
			role = RoleMentee
		}
		manager := ""
		if i%10 != 0 {
			manager = fmt.Sprintf("U%07d", i-i%10)
		}
		p := person(fmt.Sprintf("U%07d", i), role, fmt.Sprintf("D%02d", rng.IntN(20)), manager,
			topics[rng.IntN(len(topics))].ID, topics[rng.IntN(len(topics))].ID, topics[rng.IntN(len(topics))].ID)
		if rng.IntN(5) == 0 {
			p.Languages = []Lang{LangEN, LangJA}
		}
		ps = append(ps, p)
	}
	return PairingInput{Now: now, Participants: ps}
}

// BenchmarkProposePairs times whole rounds, rules and scores included; the largest is the
// target of a 10 000-person round. Peak memory:
//
//	go test -c -o /tmp/mentoring.test ./mentoring
//	/usr/bin/time -v /tmp/mentoring.test -test.run '^$' -test.bench 'ProposePairs/10000$' -test.benchtime 1x
func BenchmarkProposePairs(b *testing.B) {
	for _, n := range []int{500, 2000, 10000} {
		if n > 2000 && testing.Short() {
			continue
		}
		for _, capacities := range []bool{false, true} {
			name := fmt.Sprint(n)
			if capacities {
				name += "-capacity"
			}
			b.Run(name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					in := benchOrg(n)
					if capacities {
						// One mentor in three has room for two, one in six for three.
						for i := range in.Participants {
							if p := &in.Participants[i]; p.Role == RoleMentor {
								p.Capacity = []int{1, 1, 1, 2, 2, 3}[i%6]
							}
						}
					}
					prop, err := ProposePairs(in, PairingRules{Weights: DefaultWeights()})
					if err != nil || len(prop.Pairs) == 0 {
						b.Fatal(err)
					}
					b.ReportMetric(float64(unmatchedOf(prop, RoleMentee)), "unmatched-mentees")
				}
			})
		}
	}
}

// unmatchedOf counts the people of role the proposal leaves without a partner.
func unmatchedOf(p Proposal, role Role) int {
	n := 0
	for _, u := range p.Unmatched {
		if u.Role == role {
			n++
		}
	}
	return n
}
