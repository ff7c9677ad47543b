//! The name rule, the same for customers and orders: a full name is split into last name,
//! first name and patronymic only where its words say which is which — a Russian patronymic
//! (`…вич`, `…вна`, `…ична`, `…ич`, or transliterated `…vich`, `…vna`, `…ichna`; with
//! `оглы`/`кызы` after it) marks the Russian order.
//! Any other name goes whole into `firstName`, so the CRM shows it as the shop has it and
//! nothing of it is lost:
//!
//! | words | split |
//! |---|---|
//! | 1 | `firstName` |
//! | 2 (`Jane Customer`, `Петров Иван`) | whole into `firstName`: which word is the last name cannot be told |
//! | 3, patronymic last (`Иванов Иван Иванович`) | `lastName firstName patronymic` |
//! | 3, patronymic second (`Иван Иванович Иванов`) | `firstName patronymic lastName` |
//! | 4+, patronymic then `оглы`/`кызы` (`Мамедов Али Гасан оглы`) | `lastName firstName patronymic…` |
//! | 3 or more otherwise (`Anna Maria de la Cruz`) | whole into `firstName` |
//! | a company (`ООО «Ромашка»`, `ИП Петров Пётр Петрович`, `Acme Ltd`) | whole into `firstName` |

use serde_json::{Map, Value};

/// Endings of Russian patronymics (`Ильич`, `Иванович`, `Ивановна`, `Ильинична`), also
/// transliterated (`Ivanovich`, `Ivanovna`, `Ilyinichna`).
const PATRONYMIC_ENDINGS: [&str; 6] = ["ич", "вна", "чна", "vich", "vna", "ichna"];

/// Words that end a Turkic patronymic (`Гасан оглы`).
const PATRONYMIC_PARTICLES: [&str; 5] = ["оглы", "кызы", "улы", "уулу", "кизи"];

/// Legal forms that mark a receiver as a company, as a whole word (quotes and commas aside).
const LEGAL_FORMS: [&str; 18] = [
    "ооо", "оао", "зао", "пао", "ао", "нко", "ано", "ип", "тоо", "чп", "llc", "ltd", "inc", "gmbh",
    "corp", "plc", "co", "company",
];

/// Puts a full name into `payload` by the rule above. A blank name adds nothing.
pub fn insert_names(payload: &mut Map<String, Value>, full_name: Option<&str>) {
    let words: Vec<&str> = full_name.unwrap_or_default().split_whitespace().collect();
    if words.is_empty() {
        return;
    }
    let (first, last, patronymic) = split(&words);
    payload.insert("firstName".into(), Value::from(first));
    if let Some(last) = last {
        payload.insert("lastName".into(), Value::from(last));
    }
    if let Some(patronymic) = patronymic {
        payload.insert("patronymic".into(), Value::from(patronymic));
    }
}

/// First name, last name and patronymic of `words` (at least one).
fn split(words: &[&str]) -> (String, Option<String>, Option<String>) {
    let named = |first: &str, last: &str, patronymic: String| {
        (first.to_string(), Some(last.to_string()), Some(patronymic))
    };
    if is_company(words) {
        return (words.join(" "), None, None);
    }
    match words {
        [last, first, patronymic] if is_patronymic(patronymic) && !is_patronymic(first) => {
            named(first, last, patronymic.to_string())
        }
        [first, patronymic, last] if is_patronymic(patronymic) && !is_patronymic(last) => {
            named(first, last, patronymic.to_string())
        }
        [last, first, father, particle] if is_particle(particle) => {
            named(first, last, format!("{father} {particle}"))
        }
        _ => (words.join(" "), None, None),
    }
}

/// Whether `word` is a Russian patronymic: five letters or more with a patronymic ending.
fn is_patronymic(word: &str) -> bool {
    let lower = word.to_lowercase();
    lower.chars().count() >= 5 && PATRONYMIC_ENDINGS.iter().any(|end| lower.ends_with(end))
}

/// Whether `word` ends a Turkic patronymic.
fn is_particle(word: &str) -> bool {
    PATRONYMIC_PARTICLES.contains(&word.to_lowercase().as_str())
}

/// Whether the name is a company's: a legal form as a word, or a name in quotes.
fn is_company(words: &[&str]) -> bool {
    let quotes = |c: char| matches!(c, '"' | '«' | '»' | '“' | '”' | ',' | '.');
    words.iter().any(|word| {
        let bare = word.trim_matches(quotes).to_lowercase();
        LEGAL_FORMS.contains(&bare.as_str()) || word.starts_with(['"', '«', '“'])
    })
}
