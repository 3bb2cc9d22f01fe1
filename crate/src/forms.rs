//! Forms from the office: what a form asks for, as an administrator writes it, the server keeps
//! it (versioned: a change is a new version) and hands it to devices signed by the authority,
//! and a record's claims answer it.
//!
//! A record signed on a form names it in its claims, `form: {id, version}`, and holds each
//! field's answer under the field's name (a location as the object the app writes, `{lat, lon,
//! accuracyM}`); a handwritten signature is `signatureImage` (its digest), a photo the record's
//! document. The version is in the record:
//! a form changed later does not change what an old record answered.

use crate::error::{Error, ErrorCode, Result};
use crate::json::{FromJson, Members};
use crate::time::Timestamp;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The JWS `typ` of the signed set of forms a server hands to devices.
pub const FORMS_TYP: &str = "offsign-forms+jws";
/// The most fields a form has.
pub const MAX_FIELDS: usize = 64;
/// The most forms a signed set holds.
pub const MAX_FORMS: usize = 200;
/// The most options a choice field offers.
const MAX_OPTIONS: usize = 50;
/// The longest text a label holds, per language (characters).
const MAX_LABEL_CHARS: usize = 500;
/// The longest answer a text field takes when its form says nothing (characters).
const DEFAULT_MAX_LENGTH: u32 = 1_000;
/// The longest answer a text field may ever take (characters).
const MAX_TEXT_CHARS: u32 = 10_000;
/// Claims a record holds beside a form's answers, which no field may be named.
const RESERVED: [&str; 5] = ["form", "signatureImage", "geo", "evidenceSealing", "handwrittenSignature"];

/// What a field asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum FieldKind {
    /// A line or paragraph of text (`maxLength`).
    Text,
    /// A number (`min`, `max`).
    Number,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// One of the form's `options`, by value.
    Choice,
    /// Ticked or not; a required one must be ticked.
    Checkbox,
    /// A photo taken or picked: the record's document.
    Photo,
    /// A handwritten signature on the pad: the record's `signatureImage`.
    Signature,
    /// The device's location: an object (`{lat, lon, accuracyM}` as the app writes it).
    Location,
}

impl FieldKind {
    const ALL: [FieldKind; 8] = [
        Self::Text,
        Self::Number,
        Self::Date,
        Self::Choice,
        Self::Checkbox,
        Self::Photo,
        Self::Signature,
        Self::Location,
    ];

    /// Its name in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Number => "number",
            Self::Date => "date",
            Self::Choice => "choice",
            Self::Checkbox => "checkbox",
            Self::Photo => "photo",
            Self::Signature => "signature",
            Self::Location => "location",
        }
    }

    /// Whether the answer is in the record's claims under the field's name (not a photo or a
    /// signature, which the record holds in its own way).
    fn answered_in_claims(self) -> bool {
        !matches!(self, Self::Photo | Self::Signature)
    }
}

impl FromJson for FieldKind {
    fn from_json(value: Value) -> std::result::Result<Self, String> {
        let name = String::from_json(value)?;
        Self::ALL.into_iter().find(|kind| kind.as_str() == name).ok_or_else(|| format!("unknown field type {name:.40}"))
    }
}

/// Words in one or more languages: a plain string (the form's only language), or an object of
/// language tag → text (`{"en": "Recipient", "es": "Destinatario"}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Label {
    /// One text for every language.
    Plain(String),
    /// A text per language tag (BCP 47, e.g. `pt-BR`).
    Translated(BTreeMap<String, String>),
}

impl Label {
    /// The text for language `tag` (or its primary language, e.g. `pt` for `pt-BR`), else
    /// English, else the first there is.
    pub fn text(&self, tag: &str) -> &str {
        match self {
            Label::Plain(text) => text,
            Label::Translated(texts) => {
                let primary = tag.split('-').next().unwrap_or(tag);
                [tag, primary, "en"].iter().find_map(|t| texts.get(*t)).or_else(|| texts.values().next()).map_or("", String::as_str)
            }
        }
    }

    fn check(&self, what: &str) -> std::result::Result<(), String> {
        let texts: Vec<(&str, &str)> = match self {
            Label::Plain(text) => vec![("", text.as_str())],
            Label::Translated(texts) => texts.iter().map(|(tag, text)| (tag.as_str(), text.as_str())).collect(),
        };
        if texts.is_empty() {
            return Err(format!("{what}: no text"));
        }
        for (tag, text) in texts {
            let tag_ok = tag.is_empty() && matches!(self, Label::Plain(_))
                || (1..=35).contains(&tag.len()) && tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
            if !tag_ok {
                return Err(format!("{what}: {tag:.40} is not a language tag"));
            }
            if text.trim().is_empty() || text.chars().count() > MAX_LABEL_CHARS || text.chars().any(char::is_control) {
                return Err(format!("{what}: 1 to {MAX_LABEL_CHARS} characters, no control characters"));
            }
        }
        Ok(())
    }
}

impl FromJson for Label {
    fn from_json(value: Value) -> std::result::Result<Self, String> {
        match value {
            Value::String(text) => Ok(Label::Plain(text)),
            Value::Object(texts) => {
                let mut out = BTreeMap::new();
                for (tag, text) in texts {
                    out.insert(tag, String::from_json(text)?);
                }
                Ok(Label::Translated(out))
            }
            _ => Err("a label is a string, or an object of language → string".into()),
        }
    }
}

/// One option of a choice field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Choice {
    /// What the record holds when it is chosen.
    pub value: String,
    /// What the worker reads.
    pub label: Label,
}

impl FromJson for Choice {
    fn from_json(value: Value) -> std::result::Result<Self, String> {
        let mut m = Members::of(value, "an option")?;
        let choice = Choice { value: m.required("value")?, label: m.required("label")? };
        m.deny_unknown().map(|()| choice)
    }
}

/// One field of a form.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Field {
    /// Its name: the claim that holds its answer (`[a-z][A-Za-z0-9]*`, at most 40).
    pub name: String,
    /// What it asks for.
    #[serde(rename = "type")]
    pub kind: FieldKind,
    /// What the worker reads.
    pub label: Label,
    /// Whether the form cannot be signed without it.
    pub required: bool,
    /// A hint under the field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<Label>,
    /// The options of a choice field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<Choice>,
    /// The least number a number field takes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// The greatest number a number field takes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// The longest answer a text field takes (characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
}

impl FromJson for Field {
    fn from_json(value: Value) -> std::result::Result<Self, String> {
        let mut m = Members::of(value, "a field")?;
        let field = Field {
            name: m.required("name")?,
            kind: m.required("type")?,
            label: m.required("label")?,
            required: m.optional("required")?.unwrap_or(false),
            help: m.optional("help")?,
            options: m.optional("options")?.unwrap_or_default(),
            min: m.optional("min")?,
            max: m.optional("max")?,
            max_length: m.optional("maxLength")?,
        };
        m.deny_unknown().map(|()| field)
    }
}

impl Field {
    fn check(&self) -> std::result::Result<(), String> {
        let name = &self.name;
        let well_named = (1..=40).contains(&name.len())
            && name.starts_with(|c: char| c.is_ascii_lowercase())
            && name.chars().all(|c| c.is_ascii_alphanumeric());
        if !well_named || RESERVED.contains(&name.as_str()) {
            return Err(format!("field {name:.40}: a name is a letter then letters and digits, at most 40, and not one of {}", RESERVED.join(", ")));
        }
        self.label.check(&format!("field {name}: label"))?;
        if let Some(help) = &self.help {
            help.check(&format!("field {name}: help"))?;
        }
        let kind = self.kind;
        let only = |present: bool, member: &str, kinds: &str| match present {
            true => Err(format!("field {name}: {member} is for {kinds} fields only")),
            false => Ok(()),
        };
        only(!self.options.is_empty() && kind != FieldKind::Choice, "options", "choice")?;
        only((self.min.is_some() || self.max.is_some()) && kind != FieldKind::Number, "min and max", "number")?;
        only(self.max_length.is_some() && kind != FieldKind::Text, "maxLength", "text")?;
        if kind == FieldKind::Choice {
            if !(1..=MAX_OPTIONS).contains(&self.options.len()) {
                return Err(format!("field {name}: 1 to {MAX_OPTIONS} options"));
            }
            for (i, option) in self.options.iter().enumerate() {
                if option.value.is_empty() || option.value.chars().count() > 100 || self.options[..i].iter().any(|o| o.value == option.value) {
                    return Err(format!("field {name}: each option's value is 1 to 100 characters, and unique"));
                }
                option.label.check(&format!("field {name}: option {}", option.value))?;
            }
        }
        let finite = |x: Option<f64>| x.is_none_or(f64::is_finite);
        if !finite(self.min) || !finite(self.max) || matches!((self.min, self.max), (Some(min), Some(max)) if min > max) {
            return Err(format!("field {name}: min and max are numbers, min not above max"));
        }
        if self.max_length.is_some_and(|n| n == 0 || n > MAX_TEXT_CHARS) {
            return Err(format!("field {name}: maxLength is 1 to {MAX_TEXT_CHARS}"));
        }
        Ok(())
    }

    /// Why `answer` (the claim under the field's name, if any) does not answer the field.
    fn refuse(&self, answer: Option<&Value>) -> Option<AnswerProblem> {
        let Some(answer) = answer.filter(|a| !a.is_null() && a.as_str() != Some("")) else {
            return self.required.then_some(AnswerProblem::Required);
        };
        let ok = match self.kind {
            FieldKind::Text => answer.as_str().is_some_and(|text| text.chars().count() <= self.max_length.unwrap_or(DEFAULT_MAX_LENGTH) as usize),
            FieldKind::Number => answer.as_f64().is_some_and(|x| self.min.is_none_or(|min| x >= min) && self.max.is_none_or(|max| x <= max)),
            FieldKind::Date => answer.as_str().is_some_and(is_date),
            FieldKind::Choice => answer.as_str().is_some_and(|value| self.options.iter().any(|o| o.value == value)),
            FieldKind::Checkbox => answer.as_bool().is_some_and(|ticked| ticked || !self.required),
            FieldKind::Location => answer.get("lat").and_then(Value::as_f64).is_some_and(|lat| (-90.0..=90.0).contains(&lat))
                && answer.get("lon").and_then(Value::as_f64).is_some_and(|lon| (-180.0..=180.0).contains(&lon)),
            FieldKind::Photo | FieldKind::Signature => true,
        };
        (!ok).then_some(AnswerProblem::Invalid)
    }
}

/// Whether `text` is a calendar date `YYYY-MM-DD` that exists.
fn is_date(text: &str) -> bool {
    Timestamp::parse_rfc3339(&format!("{text}T00:00:00Z")).is_ok() && text.len() == 10
}

/// A form: its fields, in the order they are asked.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Form {
    /// Format version, 1.
    pub v: u32,
    /// Its id, kept across versions (`[a-z0-9-]`, 1 to 64).
    pub id: String,
    /// Which version of it (from 1; a change is the next one).
    pub version: u32,
    /// Its title.
    pub title: Label,
    /// Its fields.
    pub fields: Vec<Field>,
}

impl FromJson for Form {
    fn from_json(value: Value) -> std::result::Result<Self, String> {
        let mut m = Members::of(value, "a form")?;
        let form = Form {
            v: m.required("v")?,
            id: m.required("id")?,
            version: m.required("version")?,
            title: m.required("title")?,
            fields: m.required("fields")?,
        };
        m.deny_unknown().map(|()| form)
    }
}

impl Form {
    /// Reads and checks a form's JSON: `malformed_form` with what is wrong.
    pub fn parse(json: &[u8]) -> Result<Form> {
        let bad = |why: String| Error::new(ErrorCode::MalformedForm, why);
        let value = crate::json::parse_value(json).map_err(|e| bad(e.to_string()))?;
        let form = Form::from_json(value).map_err(bad)?;
        form.check().map_err(bad)?;
        Ok(form)
    }

    /// Checks what `parse` checks of a form made in code.
    pub fn check(&self) -> std::result::Result<(), String> {
        if self.v != 1 {
            return Err("unknown form format version".into());
        }
        let id_ok = (1..=64).contains(&self.id.len()) && self.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !id_ok || self.version == 0 {
            return Err("id is 1 to 64 of a-z, 0-9 and -; version counts from 1".into());
        }
        self.title.check("title")?;
        if !(1..=MAX_FIELDS).contains(&self.fields.len()) {
            return Err(format!("1 to {MAX_FIELDS} fields"));
        }
        for (i, field) in self.fields.iter().enumerate() {
            field.check()?;
            if self.fields[..i].iter().any(|f| f.name == field.name) {
                return Err(format!("two fields are named {}", field.name));
            }
        }
        let count = |kind| self.fields.iter().filter(|f| f.kind == kind).count();
        if count(FieldKind::Location) > 1 || count(FieldKind::Photo) > 1 || count(FieldKind::Signature) > 1 {
            return Err("at most one photo, one signature and one location field (a record holds one of each)".into());
        }
        Ok(())
    }

    /// What keeps the claims of a record signed on this form from answering it: each field's
    /// problem, in the form's order, then every claim no field asked for (besides those a
    /// record holds anyway). Empty when they answer it. A drawn signature is the claim
    /// `signatureImage`; a photo is the record's document, so always there.
    pub fn problems(&self, claims: &Map<String, Value>) -> Vec<FieldProblem> {
        let mut found = Vec::new();
        for field in &self.fields {
            let answer = match field.kind {
                FieldKind::Signature => claims.get("signatureImage"),
                FieldKind::Photo => Some(&Value::Bool(true)),
                _ => claims.get(&field.name),
            };
            found.extend(field.refuse(answer).map(|problem| FieldProblem { field: field.name.clone(), problem }));
        }
        for key in claims.keys() {
            let known = RESERVED.contains(&key.as_str()) || self.fields.iter().any(|f| f.kind.answered_in_claims() && &f.name == key);
            if !known {
                found.push(FieldProblem { field: key.chars().take(40).collect(), problem: AnswerProblem::NotAField });
            }
        }
        found
    }

    /// [`Form::problems`] in words, one per problem ("recipient is required").
    pub fn refusals(&self, claims: &Map<String, Value>) -> Vec<String> {
        let kind = |name: &str| self.fields.iter().find(|f| f.name == name).map_or("", |f| f.kind.as_str());
        self.problems(claims)
            .into_iter()
            .map(|p| match p.problem {
                AnswerProblem::Required => format!("{} is required", p.field),
                AnswerProblem::Invalid => format!("{} is not a valid {} answer", p.field, kind(&p.field)),
                AnswerProblem::NotAField => format!("{} is not a field of the form", p.field),
            })
            .collect()
    }

    /// The form as a worker reads it in language `lang`: every label plain text in that
    /// language (or the nearest there is: [`Label::text`]), and every text field's
    /// `maxLength` stated.
    pub fn in_language(&self, lang: &str) -> Form {
        let plain = |label: &Label| Label::Plain(label.text(lang).to_owned());
        Form {
            title: plain(&self.title),
            fields: self
                .fields
                .iter()
                .map(|f| Field {
                    label: plain(&f.label),
                    help: f.help.as_ref().map(plain),
                    options: f.options.iter().map(|o| Choice { value: o.value.clone(), label: plain(&o.label) }).collect(),
                    max_length: f.max_length.or((f.kind == FieldKind::Text).then_some(DEFAULT_MAX_LENGTH)),
                    ..f.clone()
                })
                .collect(),
            ..self.clone()
        }
    }
}

/// What is wrong with one field's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerProblem {
    /// A required field has no answer (a required checkbox left unticked is `Invalid`).
    Required,
    /// The answer is not of the field's kind, or outside its limits or options.
    Invalid,
    /// A claim answers no field of the form.
    NotAField,
}

/// A field whose answer keeps a record from answering its form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldProblem {
    /// The field's name (or the stray claim's).
    pub field: String,
    /// What is wrong with it.
    pub problem: AnswerProblem,
}

/// The form a record's claims say they answer (`claims.form`, `{id, version}`): `None` when
/// they name none, `form_unknown` when `form` is not that shape.
pub fn named_form(claims: &Map<String, Value>) -> Result<Option<(&str, u32)>> {
    let Some(named) = claims.get("form") else { return Ok(None) };
    let id = named.get("id").and_then(Value::as_str);
    let version = named.get("version").and_then(Value::as_u64).and_then(|v| u32::try_from(v).ok());
    match (id, version) {
        (Some(id), Some(version)) => Ok(Some((id, version))),
        _ => Err(Error::new(ErrorCode::FormUnknown, "claims.form is not {id, version}")),
    }
}

/// A short tag of which form versions `forms` are (`id:version`, whatever their order): a
/// device that has the set with this tag need not fetch it again.
pub fn forms_tag(forms: &[Form]) -> String {
    use sha2::{Digest, Sha256};
    let mut lines: Vec<String> = forms.iter().map(|f| format!("{}:{}\n", f.id, f.version)).collect();
    lines.sort();
    crate::encoding::b64url(&Sha256::digest(lines.concat().as_bytes())[..16])
}

impl FormSet {
    /// Its [`forms_tag`].
    pub fn tag(&self) -> String {
        forms_tag(&self.forms)
    }

    /// The form with this id and version, if the set holds it.
    pub fn find(&self, id: &str, version: u32) -> Option<&Form> {
        self.forms.iter().find(|f| f.id == id && f.version == version)
    }
}

/// The forms a server hands to devices, signed by its authority.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FormSet {
    /// Format version, 1.
    pub v: u32,
    /// The issuing authority's name.
    pub iss: String,
    /// When it was signed (RFC 3339).
    pub issued_at: String,
    /// The current version of every form in use.
    pub forms: Vec<Form>,
}

impl FromJson for FormSet {
    fn from_json(value: Value) -> std::result::Result<Self, String> {
        let mut m = Members::of(value, "a set of forms")?;
        let set = FormSet { v: m.required("v")?, iss: m.required("iss")?, issued_at: m.required("issuedAt")?, forms: m.required("forms")? };
        m.deny_unknown().map(|()| set)
    }
}

impl crate::Authority {
    /// Signs the set of `forms` devices fill in, issued at `issued_at`. (Here rather than in
    /// `cert` so that `cert` does not depend on forms.)
    pub fn issue_forms(&self, forms: Vec<Form>, issued_at: Timestamp) -> Result<String> {
        let set = FormSet { v: 1, iss: self.name().to_owned(), issued_at: issued_at.to_string(), forms };
        crate::jws::sign(self.identity(), FORMS_TYP, &crate::json::to_vec(&set))
    }
}

/// Verifies a signed set of forms against the authority key, and checks every form in it.
pub fn verify_forms(jws_text: &str, authority: &crate::PublicKey) -> Result<FormSet> {
    let set: FormSet = crate::cert::read_signed(jws_text, FORMS_TYP, Some(authority))?;
    if set.v != 1 || set.forms.len() > MAX_FORMS {
        return Err(Error::new(ErrorCode::MalformedForm, "unknown version, or too many forms"));
    }
    for form in &set.forms {
        form.check().map_err(|why| Error::new(ErrorCode::MalformedForm, format!("form {:.64}: {why}", form.id)))?;
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receipt() -> Form {
        Form::parse(br#"{"v": 1, "id": "delivery-receipt", "version": 2, "title": {"en": "Delivery receipt", "es": "Albar\u00e1n"},
          "fields": [
            {"name": "recipient", "type": "text", "label": "Recipient", "required": true, "maxLength": 20},
            {"name": "items", "type": "number", "label": "Items", "min": 1, "max": 99},
            {"name": "deliveredOn", "type": "date", "label": "Delivered on"},
            {"name": "condition", "type": "choice", "label": "Condition", "required": true,
             "options": [{"value": "intact", "label": "Intact"}, {"value": "damaged", "label": {"en": "Damaged", "fr": "Endommag\u00e9"}}]},
            {"name": "sealChecked", "type": "checkbox", "label": "Seal checked", "required": true},
            {"name": "signature", "type": "signature", "label": "Customer's signature", "required": true},
            {"name": "location", "type": "location", "label": "Location"}
          ]}"#)
        .unwrap()
    }

    fn claims(json: Value) -> Map<String, Value> {
        json.as_object().unwrap().clone()
    }

    #[test]
    fn a_form_is_read_checked_and_answers_are_held_to_it() {
        let form = receipt();
        assert_eq!((form.title.text("es-MX"), form.title.text("de")), ("Albarán", "Delivery receipt"));
        let good = claims(serde_json::json!({
            "form": {"id": "delivery-receipt", "version": 2}, "recipient": "A. Jones", "items": 3, "deliveredOn": "2026-12-03",
            "condition": "damaged", "sealChecked": true, "signatureImage": {"sha256": "x", "type": "image/png"},
            "location": {"lat": 51.5, "lon": -0.12, "accuracy": 20}
        }));
        assert_eq!(form.refusals(&good), Vec::<String>::new());
        let bad = claims(serde_json::json!({
            "recipient": "a name much longer than twenty", "items": 100, "deliveredOn": "2026-02-30",
            "condition": "lost", "sealChecked": false, "extra": 1, "location": "here"
        }));
        assert_eq!(form.refusals(&bad), [
            "recipient is not a valid text answer",
            "items is not a valid number answer",
            "deliveredOn is not a valid date answer",
            "condition is not a valid choice answer",
            "sealChecked is not a valid checkbox answer",
            "signature is required",
            "location is not a valid location answer",
            "extra is not a field of the form",
        ]);
        assert_eq!(form.refusals(&claims(serde_json::json!({"condition": "intact", "sealChecked": true, "signatureImage": {}}))), ["recipient is required"]);
    }

    #[test]
    fn a_form_that_would_mislead_is_refused_with_why() {
        let with = |fields: &str| Form::parse(format!(r#"{{"v": 1, "id": "f", "version": 1, "title": "T", "fields": [{fields}]}}"#).as_bytes());
        for (fields, why) in [
            ("", "1 to 64 fields"),
            (r#"{"name": "a", "type": "text", "label": "A"}, {"name": "a", "type": "text", "label": "B"}"#, "two fields are named a"),
            (r#"{"name": "geo", "type": "text", "label": "A"}"#, "not one of"),
            (r#"{"name": "Bad name", "type": "text", "label": "A"}"#, "a name is a letter"),
            (r#"{"name": "a", "type": "colour", "label": "A"}"#, "unknown field type colour"),
            (r#"{"name": "a", "type": "choice", "label": "A"}"#, "1 to 50 options"),
            (r#"{"name": "a", "type": "choice", "label": "A", "options": [{"value": "x", "label": "X"}, {"value": "x", "label": "Y"}]}"#, "unique"),
            (r#"{"name": "a", "type": "text", "label": "A", "min": 1}"#, "min and max is for number fields only"),
            (r#"{"name": "a", "type": "number", "label": "A", "min": 2, "max": 1}"#, "min not above max"),
            (r#"{"name": "a", "type": "text", "label": ""}"#, "1 to 500 characters"),
            (r#"{"name": "a", "type": "text", "label": {"not a tag!": "A"}}"#, "is not a language tag"),
            (r#"{"name": "a", "type": "signature", "label": "A"}, {"name": "b", "type": "signature", "label": "B"}"#, "at most one photo"),
            (r#"{"name": "a", "type": "text", "label": "A", "colour": "red"}"#, "unknown field `colour`"),
        ] {
            let refused = with(fields).unwrap_err();
            assert_eq!(refused.code(), ErrorCode::MalformedForm);
            assert!(refused.message().contains(why), "{fields}: {}", refused.message());
        }
        assert_eq!(Form::parse(b"[1]").unwrap_err().code(), ErrorCode::MalformedForm);
    }
}
