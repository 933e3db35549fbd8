package mentoring

// Topic is one subject in the programme's catalogue, taught by mentors and asked for by mentees.
type Topic struct {
	ID string
	EN string
	JA string
}

// Label returns the topic's name in lang.
func (t Topic) Label(lang Lang) string {
	if lang == LangJA && t.JA != "" {
		return t.JA
	}
	return t.EN
}

// Catalogue is the ordered list of topics people choose from.
type Catalogue []Topic

// Topic returns the topic with the ID.
func (c Catalogue) Topic(id string) (Topic, bool) {
	for _, t := range c {
		if t.ID == id {
			return t, true
		}
	}
	return Topic{}, false
}

// DefaultCatalogue is the catalogue used when the configuration names none: what
// digital-native juniors most often teach seniors.
func DefaultCatalogue() Catalogue {
	return Catalogue{
		{ID: "genai", EN: "Generative AI at work", JA: "仕事での生成AI活用"},
		{ID: "slack", EN: "Slack and chat etiquette", JA: "Slackとチャットのマナー"},
		{ID: "social", EN: "Social media and personal branding", JA: "SNSとセルフブランディング"},
		{ID: "smartphone", EN: "Smartphone apps and shortcuts", JA: "スマホアプリと便利な使い方"},
		{ID: "cloud", EN: "Cloud docs and online collaboration", JA: "クラウド文書とオンライン共同作業"},
		{ID: "data", EN: "Data and dashboards", JA: "データ活用とダッシュボード"},
		{ID: "remote", EN: "Remote and hybrid work", JA: "リモート・ハイブリッドワーク"},
		{ID: "security", EN: "Security and privacy basics", JA: "セキュリティとプライバシーの基本"},
		{ID: "genz", EN: "Values of a younger generation", JA: "若い世代の価値観"},
		{ID: "dei", EN: "Diversity and inclusion", JA: "多様性とインクルージョン"},
		{ID: "trends", EN: "Consumer trends and culture", JA: "消費トレンドとカルチャー"},
		{ID: "nocode", EN: "No-code tools and automation", JA: "ノーコードツールと自動化"},
	}
}
