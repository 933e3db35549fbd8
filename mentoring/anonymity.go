package mentoring

// Anonymity keeps people's answers from being exposed in anything shown outside the HR
// admins (the weekly summary in the HR channel, the cycle report): no figure drawn from
// fewer than K people appears, and a breakdown is shown only when every one of its
// groups has at least K people, so no suppressed group can be worked out by subtracting
// the groups shown from a total shown.
type Anonymity struct {
	K int // the smallest group a figure may describe (program.min_group_size)
}

// Shown is a figure as it may be published: its value, or Hidden ("fewer than K").
type Shown struct {
	Value  float64
	People int  // how many people the figure describes
	Hidden bool // fewer than K people: publish "fewer than K", never the value
}

// Count publishes a head count: counts of fewer than K people are hidden, except 0,
// which describes nobody.
func (a Anonymity) Count(n int) Shown {
	return Shown{Value: float64(n), People: n, Hidden: n > 0 && n < a.K}
}

// Mean publishes an average of answers given by people distinct people: hidden when
// they are fewer than K (an average of nobody's answers is hidden too).
func (a Anonymity) Mean(mean float64, people int) Shown {
	return Shown{Value: mean, People: people, Hidden: people < a.K}
}

// Group is one group of a breakdown (a department, a role) and the people in it.
type Group struct {
	Name   string
	People int
	Value  float64 // the group's figure: a count or an average
}

// Breakdown decides which groups of a breakdown may be published beside their total.
// A group of fewer than K people is hidden. Hiding it alone would not do when the total
// is shown: the total less the groups shown would give it away. So groups are hidden
// until the hidden ones are at least two and hold at least K people together: then
// subtraction yields only a figure over K or more people, never one group's. The
// smallest groups are hidden first. Groups keep their order; ok is false when every
// group ended up hidden (the breakdown says nothing the total does not).
func (a Anonymity) Breakdown(groups []Group) (shown []GroupShown, ok bool) {
	shown = make([]GroupShown, len(groups))
	hidden, people := 0, 0
	for i, g := range groups {
		shown[i] = GroupShown{Group: g, Hidden: g.People < a.K}
		if shown[i].Hidden {
			hidden++
			people += g.People
		}
	}
	for hidden > 0 && (hidden < 2 || people < a.K) && hidden < len(groups) {
		smallest := -1
		for i, g := range shown {
			if !g.Hidden && (smallest < 0 || g.People < shown[smallest].People) {
				smallest = i
			}
		}
		shown[smallest].Hidden = true
		hidden++
		people += shown[smallest].People
	}
	return shown, hidden < len(groups)
}

// GroupShown is a group of a breakdown as it may be published.
type GroupShown struct {
	Group
	Hidden bool // publish "fewer than K" or "not shown", never the value
}
