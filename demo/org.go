package demo

import (
	"fmt"
	"math/rand/v2"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// member is one simulated employee.
type member struct {
	ID         string
	Name       string // display name
	Email      string
	Locale     string // Slack locale: "ja-JP" or "en-US"
	TZ         string
	TZLabel    string
	TZOffset   int
	Department string
	ManagerID  string
	Senior     bool // head or manager: a natural mentee
	Admin      bool // HR admin of the programme
}

// department names as the opt-in modal offers them.
var departments = []string{
	"営業部 Sales", "開発部 Engineering", "マーケティング部 Marketing", "経理部 Finance",
	"カスタマーサクセス部 Customer Success", "商品企画部 Product", "総務部 General Affairs",
}

var (
	jaFamily  = []string{"佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田", "佐々木", "山口", "松本", "井上", "木村", "斎藤", "清水", "森"}
	jaYoung   = []string{"葵", "陽翔", "結衣", "蓮", "美咲", "大翔", "さくら", "悠真", "陽菜", "湊", "凛", "颯太", "芽依", "樹", "紬"}
	jaSenior  = []string{"健一", "誠", "浩二", "直子", "由美", "隆", "恵子", "修", "裕子", "博", "正樹", "久美子"}
	enFirst   = []string{"Emma", "Liam", "Olivia", "Noah", "Ava", "Ethan", "Mia", "Lucas", "Grace", "Daniel", "Priya", "Wei"}
	enSurname = []string{"Johnson", "Smith", "Brown", "Davis", "Wilson", "Clark", "Lewis", "Walker", "Patel", "Chen"}
)

// organisation is the simulated company: a CEO, department heads, managers under them and
// juniors under the managers, mostly Japanese speakers with some English speakers.
type organisation struct {
	Members []member
	AdminID string
}

// buildOrganisation makes about n people (at least 12) from seed, deterministically.
func buildOrganisation(n int, seed uint64) organisation {
	n = max(n, 12)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var org organisation
	next := 0
	used := map[string]bool{}
	// unique draws names until one is new, so no two people in the story share a name
	// (after a few tries it adds a number, as a company directory would).
	unique := func(draw func() string) string {
		for range 20 {
			if n := draw(); !used[n] {
				used[n] = true
				return n
			}
		}
		n := fmt.Sprintf("%s %d", draw(), len(used))
		used[n] = true
		return n
	}
	add := func(dept, manager string, senior bool) *member {
		next++
		m := member{ID: fmt.Sprintf("U%07d", 1000+next), Department: dept, ManagerID: manager, Senior: senior}
		english := rng.IntN(4) == 0
		if english {
			m.Name = unique(func() string { return enFirst[rng.IntN(len(enFirst))] + " " + enSurname[rng.IntN(len(enSurname))] })
			m.Locale = "en-US"
			if rng.IntN(2) == 0 {
				m.TZ, m.TZLabel, m.TZOffset = "Europe/London", "Greenwich Mean Time", 0
			} else {
				m.TZ, m.TZLabel, m.TZOffset = "Asia/Singapore", "Singapore Standard Time", 8*3600
			}
		} else {
			given := jaYoung
			if senior {
				given = jaSenior
			}
			m.Name = unique(func() string { return jaFamily[rng.IntN(len(jaFamily))] + " " + given[rng.IntN(len(given))] })
			m.Locale = "ja-JP"
			m.TZ, m.TZLabel, m.TZOffset = "Asia/Tokyo", "Japan Standard Time", 9*3600
		}
		m.Email = fmt.Sprintf("user%d@example.co.jp", next)
		org.Members = append(org.Members, m)
		return &org.Members[len(org.Members)-1]
	}
	ceo := add("経営企画室 Executive Office", "", true)
	ceoID := ceo.ID
	nDept := min(len(departments), max(2, n/9))
	// HR admin: runs the programme, does not take part.
	admin := add("人事部 HR", ceoID, true)
	admin.Admin = true
	org.AdminID = admin.ID
	var managers []string
	for d := 0; d < nDept; d++ {
		head := add(departments[d], ceoID, true)
		headID := head.ID
		for range 2 {
			managers = append(managers, add(departments[d], headID, true).ID)
		}
	}
	for i := 0; len(org.Members) < n; i++ {
		mgrID := managers[i%len(managers)]
		var dept string
		for _, m := range org.Members {
			if m.ID == mgrID {
				dept = m.Department
			}
		}
		add(dept, mgrID, false)
	}
	return org
}

// profileFor is what a member enters in the opt-in modal.
func profileFor(m member, rng *rand.Rand, catalogue mentoring.Catalogue) (role mentoring.Role, topics []string, free string, langs []string, cadence string, capacity string) {
	role = mentoring.RoleMentee
	if !m.Senior {
		role = mentoring.RoleMentor
	}
	k := 2 + rng.IntN(3)
	for _, i := range rng.Perm(len(catalogue))[:k] {
		topics = append(topics, catalogue[i].ID)
	}
	if rng.IntN(4) == 0 {
		if m.Locale == "ja-JP" {
			free = []string{"社内の申請をスマホで済ませたい", "Notion での議事録", "若手のキャリア観を知りたい", "動画編集の基本"}[rng.IntN(4)]
		} else {
			free = []string{"Prompting for sales emails", "Short-form video", "How Gen Z reads news"}[rng.IntN(3)]
		}
	}
	langs = []string{"ja"}
	switch {
	case m.Locale == "en-US":
		langs = []string{"en"}
		if rng.IntN(3) == 0 {
			langs = []string{"ja", "en"}
		}
	case rng.IntN(3) == 0:
		langs = []string{"ja", "en"}
	}
	cadence = []string{"weekly", "biweekly", "biweekly", "monthly"}[rng.IntN(4)]
	capacity = "1"
	if role == mentoring.RoleMentor && rng.IntN(5) == 0 {
		capacity = "2"
	}
	return
}

// role names the member's place in the story, in lang.
func (m member) role(lang mentoring.Lang) string {
	switch {
	case m.Admin && lang == mentoring.LangJA:
		return "人事担当"
	case m.Admin:
		return "HR admin"
	case m.Senior && lang == mentoring.LangJA:
		return "管理職"
	case m.Senior:
		return "senior"
	case lang == mentoring.LangJA:
		return "若手"
	}
	return "junior"
}
