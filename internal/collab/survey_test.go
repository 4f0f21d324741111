package collab

import (
	"reflect"
	"testing"
)

// TestParseQuestionsTranslations: custom questions carry the language
// they are written in and, from lines under them that start with another
// language's code, their translations; a respondent reads the question in
// their language where it has one, and its own words elsewhere.
func TestParseQuestionsTranslations(t *testing.T) {
	langs := []string{"en", "es", "hmn"}
	tests := []struct {
		name, src, lang string
		err             string // the questions field's message key, or ""
		want            []Question
	}{
		{"scale with Spanish", "scale: How connected do you feel?\nes: ¿Qué tan conectado/a se siente?", "en", "",
			[]Question{{Key: "q1", Kind: QScale, Text: "How connected do you feel?", Lang: "en",
				Translations: map[string]QuestionTranslation{"es": {Text: "¿Qué tan conectado/a se siente?"}}}}},
		{"choice with its options", "choice: Which? | Safety; Stability\nes: ¿Cuál? | Seguridad; Estabilidad\ntext: What would help?", "en", "",
			[]Question{
				{Key: "q1", Kind: QChoice, Text: "Which?", Options: []string{"Safety", "Stability"}, Lang: "en",
					Translations: map[string]QuestionTranslation{"es": {Text: "¿Cuál?", Options: []string{"Seguridad", "Estabilidad"}}}},
				{Key: "q2", Kind: QText, Text: "What would help?", Lang: "en"}}},
		{"written in Spanish, translated to English", "text: ¿Qué le ayudaría?\nen: What would help?", "es", "",
			[]Question{{Key: "q1", Kind: QText, Text: "¿Qué le ayudaría?", Lang: "es",
				Translations: map[string]QuestionTranslation{"en": {Text: "What would help?"}}}}},
		{"a translation first", "es: ¿Qué?\ntext: What?", "en", "error.translation_first", nil},
		{"a choice's options miscounted", "choice: Which? | Safety; Stability\nes: ¿Cuál? | Seguridad", "en", "error.translation_options", nil},
		{"an empty translation", "text: What?\nes: ", "en", "error.question_line", nil},
		{"the question's own language is a kind, not a translation", "text: What?\nen: Which?", "en", "error.question_line", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseQuestions(tt.src, tt.lang, langs)
			if tt.err != "" {
				if FieldErrors(err)["questions"] != tt.err {
					t.Fatalf("error %v, want %s", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
	q := Question{Kind: QChoice, Text: "Which?", Options: []string{"Safety", "Stability"}, Lang: "en",
		Translations: map[string]QuestionTranslation{"es": {Text: "¿Cuál?", Options: []string{"Seguridad", "Estabilidad"}}}}
	for lang, want := range map[string]string{"es": "¿Cuál?", "en": "Which?", "hmn": "Which?"} {
		if text, _ := q.In(lang); text != want {
			t.Errorf("In(%s) = %q, want %q", lang, text, want)
		}
	}
}
