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

func BenchmarkProposePairs(b *testing.B) {
	for _, n := range []int{500, 2000, 10000} {
		if n > 2000 && testing.Short() {
			continue
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				in := benchOrg(n)
				prop, err := ProposePairs(in, PairingRules{Weights: DefaultWeights()})
				if err != nil || len(prop.Pairs) == 0 {
					b.Fatal(err)
				}
			}
		})
	}
}
