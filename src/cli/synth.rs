//! Synthetic Entra tenants for tests and benchmarks, deterministic by seed: names with
//! diacritics and apostrophes, missing attributes (absent or `null`), about 0.5% duplicate
//! user principal names, 1% soft-deleted and 5% disabled users, guests, multi-valued
//! `proxyAddresses`. The hidden command `entramap synth` writes one. Written as JSON Lines (Entra attribute names), a Graph `/users` page (Graph
//! property names) or the portal's "Download users" CSV (its column headers).

use super::{OutputArg, EXIT_OK, EXIT_USAGE};
use entramap::expr::eval::text::normalize_diacritics;
use entramap::preview::payload::write_json_str;
use rand::{RngExt as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;
use std::io::{self, Write};

/// Arguments of `entramap synth`.
#[derive(Debug, clap::Args)]
pub struct SynthArgs {
    /// How many users.
    #[arg(long, default_value_t = 1000)]
    users: u64,
    /// The tenant's seed: the same seed gives the same users.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SynthFormat::Jsonl)]
    format: SynthFormat,
    #[command(flatten)]
    output: OutputArg,
}

/// Runs `entramap synth`.
pub fn run(args: SynthArgs) -> u8 {
    let result = args.output.open().and_then(|mut out| {
        write(out.writer(), args.users, args.seed, args.format)?;
        out.finish()
    });
    match result {
        Ok(()) => EXIT_OK,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => {
            say!("entramap: cannot write synthetic users: {e}");
            EXIT_USAGE
        }
    }
}

/// How to write a synthetic tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SynthFormat {
    /// One JSON object per line, Entra attribute names (`objectId`, `immutableId`, ...).
    #[default]
    Jsonl,
    /// One Graph `/users` page: `{"@odata.context": ..., "value": [...]}`, one user per line,
    /// Graph property names (`id`, `onPremisesImmutableId`, ...).
    Graph,
    /// The portal's "Download users" CSV.
    Csv,
}

/// The column headers of the portal's "Download users" CSV, in its order.
pub const PORTAL_CSV_HEADERS: &[&str] = &[
    "userPrincipalName",
    "displayName",
    "surname",
    "mail",
    "givenName",
    "objectId",
    "userType",
    "jobTitle",
    "department",
    "accountEnabled",
    "usageLocation",
    "streetAddress",
    "state",
    "country",
    "physicalDeliveryOfficeName",
    "city",
    "postalCode",
    "telephoneNumber",
    "mobile",
    "authenticationPhoneNumber",
    "authenticationAlternativePhoneNumber",
    "authenticationEmail",
    "alternateEmailAddress",
    "ageGroup",
    "consentProvidedForMinor",
    "legalAgeGroupClassification",
    "companyName",
    "creationType",
    "directorySynced",
    "invitationState",
    "identityIssuer",
    "createdDateTime",
];

const GIVEN: &[&str] = &[
    "Ana",
    "José",
    "María José",
    "Zoë",
    "Łukasz",
    "Søren",
    "Chloé",
    "Björn",
    "Anne-Marie",
    "Siobhán",
    "Hiroshi",
    "Fatima",
    "Olusegun",
    "Jürgen",
    "Renée",
    "D'Arcy",
    "Ólafur",
    "Agnieszka",
    "Émile",
    "Priya",
    "Mateus",
    "Dmitri",
    "Aoife",
    "John",
    "Mary",
    "Wei",
    "Nguyễn Thị",
    "François",
    "Åsa",
    "Ines",
];
const FAMILY: &[&str] = &[
    "O'Brien",
    "Müller",
    "García",
    "Nováková",
    "Smith",
    "Kowalski",
    "D'Angelo",
    "Ødegård",
    "Núñez",
    "Öztürk",
    "Lefèvre",
    "Nguyễn",
    "van der Berg",
    "Ó Súilleabháin",
    "Brontë",
    "Dvořák",
    "Jones",
    "Tanaka",
    "Mbeki",
    "Ní Bhriain",
    "Petrović",
    "Schröder",
    "Leclerc",
    "Johansson",
    "Żółkiewski",
    "Lee",
    "Brown",
    "Çelik",
];
const DEPARTMENTS: &[&str] = &[
    "Sales",
    "Engineering",
    "Finance",
    "Human Resources",
    "Marketing",
    "R&D",
    "Support",
    "Legal",
    "Operations",
];
const TITLES: &[&str] = &[
    "Account Manager",
    "Software Engineer",
    "Analyst",
    "Director",
    "Consultant",
    "Support Engineer",
    "Designer",
    "Recruiter",
    "Counsel",
];
const CITIES: &[(&str, &str, &str)] = &[
    ("Zürich", "Switzerland", "CH"),
    ("São Paulo", "Brazil", "BR"),
    ("Kraków", "Poland", "PL"),
    ("Seattle", "United States", "US"),
    ("Dublin", "Ireland", "IE"),
    ("Tokyo", "Japan", "JP"),
    ("Montréal", "Canada", "CA"),
    ("København", "Denmark", "DK"),
];
const DOMAINS: &[&str] = &["contoso.com", "fabrikam.onmicrosoft.com"];

/// One synthetic user. `None` means the attribute is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthUser {
    /// `objectId` / Graph `id`.
    pub object_id: String,
    /// `userPrincipalName` (sometimes a duplicate of an earlier user's).
    pub user_principal_name: String,
    /// `displayName`.
    pub display_name: String,
    /// `givenName`.
    pub given_name: Option<String>,
    /// `surname`.
    pub surname: Option<String>,
    /// `mail`.
    pub mail: Option<String>,
    /// `mailNickname`.
    pub mail_nickname: String,
    /// `jobTitle`.
    pub job_title: Option<String>,
    /// `department`.
    pub department: Option<String>,
    /// `employeeId`.
    pub employee_id: Option<String>,
    /// `immutableId` (Graph `onPremisesImmutableId`), for synchronised users.
    pub immutable_id: Option<String>,
    /// `accountEnabled`.
    pub account_enabled: bool,
    /// `deletedDateTime` of a soft-deleted user.
    pub deleted: Option<String>,
    /// `proxyAddresses` (possibly empty).
    pub proxy_addresses: Vec<String>,
    /// `usageLocation`, `city`, `country`.
    pub location: Option<(String, String, String)>,
    /// `mobile` (Graph `mobilePhone`).
    pub mobile: Option<String>,
    /// `userType`: Member or Guest.
    pub user_type: &'static str,
    /// `createdDateTime`.
    pub created: String,
}

/// An endless, deterministic stream of users.
#[derive(Debug)]
pub struct Tenant {
    rng: ChaCha8Rng,
    index: u64,
    recent: Vec<String>,
}

fn pick<'a>(rng: &mut ChaCha8Rng, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

fn ascii_name(text: &str) -> String {
    normalize_diacritics(text)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '\'' || *c == '-')
        .collect::<String>()
        .to_ascii_lowercase()
}

impl Tenant {
    /// A tenant for this seed.
    pub fn new(seed: u64) -> Self {
        Tenant {
            rng: ChaCha8Rng::seed_from_u64(seed),
            index: 0,
            recent: Vec::new(),
        }
    }

    /// The next user.
    pub fn next_user(&mut self) -> SynthUser {
        let rng = &mut self.rng;
        self.index += 1;
        let index = self.index;
        let id: [u8; 16] = rng.random();
        let object_id = format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            u32::from_be_bytes([id[0], id[1], id[2], id[3]]),
            u16::from_be_bytes([id[4], id[5]]),
            u16::from_be_bytes([id[6], id[7]]) & 0x0fff,
            (u16::from_be_bytes([id[8], id[9]]) & 0x3fff) | 0x8000,
            u64::from_be_bytes([0, 0, id[10], id[11], id[12], id[13], id[14], id[15]]),
        );
        let given = pick(rng, GIVEN);
        let family = pick(rng, FAMILY);
        let domain = pick(rng, DOMAINS);
        let nickname = format!("{}.{}{}", ascii_name(given), ascii_name(family), index);
        let duplicate = !self.recent.is_empty() && rng.random_range(0..200) == 0;
        let user_principal_name = if duplicate {
            self.recent[rng.random_range(0..self.recent.len())].clone()
        } else {
            format!("{nickname}@{domain}")
        };
        if self.recent.len() < 256 {
            self.recent.push(user_principal_name.clone());
        } else {
            let slot = rng.random_range(0..self.recent.len());
            self.recent[slot] = user_principal_name.clone();
        }
        let guest = rng.random_range(0..20) == 0;
        let roll = |rng: &mut ChaCha8Rng, percent: u32| rng.random_range(0..100) < percent;
        let location = if roll(rng, 85) {
            let (city, country, code) = CITIES[rng.random_range(0..CITIES.len())];
            Some((code.to_owned(), city.to_owned(), country.to_owned()))
        } else {
            None
        };
        let mut proxy_addresses = Vec::new();
        if !guest && roll(rng, 90) {
            proxy_addresses.push(format!("SMTP:{user_principal_name}"));
            for n in 0..rng.random_range(0..3) {
                proxy_addresses.push(format!("smtp:{nickname}.{n}@{domain}"));
            }
        }
        SynthUser {
            object_id,
            display_name: format!("{given} {family}"),
            given_name: roll(rng, 95).then(|| given.to_owned()),
            surname: roll(rng, 93).then(|| family.to_owned()),
            mail: (!guest && roll(rng, 90)).then(|| user_principal_name.clone()),
            user_principal_name,
            mail_nickname: nickname,
            job_title: roll(rng, 80).then(|| pick(rng, TITLES).to_owned()),
            department: roll(rng, 85).then(|| pick(rng, DEPARTMENTS).to_owned()),
            employee_id: roll(rng, 70).then(|| format!("E{:06}", index)),
            immutable_id: roll(rng, 50).then(|| {
                let bytes: [u8; 16] = rng.random();
                use base64::Engine as _;
                base64::engine::general_purpose::STANDARD.encode(bytes)
            }),
            account_enabled: !roll(rng, 5),
            deleted: (rng.random_range(0..100) == 0).then(|| "2024-11-02T08:15:00Z".to_owned()),
            proxy_addresses,
            location,
            mobile: roll(rng, 40).then(|| format!("+1 425 555 {:04}", index % 10_000)),
            user_type: if guest { "Guest" } else { "Member" },
            created: format!("2023-{:02}-{:02}T09:30:00Z", 1 + index % 12, 1 + index % 28),
        }
    }
}

impl Iterator for Tenant {
    type Item = SynthUser;

    fn next(&mut self) -> Option<SynthUser> {
        Some(self.next_user())
    }
}

struct Obj<'b> {
    out: &'b mut Vec<u8>,
    first: bool,
    nulls: bool,
}

impl Obj<'_> {
    fn key(&mut self, name: &str) {
        self.out.push(if self.first { b'{' } else { b',' });
        self.first = false;
        write_json_str(self.out, name);
        self.out.push(b':');
    }

    fn str(&mut self, name: &str, value: &str) {
        self.key(name);
        write_json_str(self.out, value);
    }

    fn opt(&mut self, name: &str, value: Option<&str>) {
        match value {
            Some(v) => self.str(name, v),
            None if self.nulls => {
                self.key(name);
                self.out.extend_from_slice(b"null");
            }
            None => {}
        }
    }

    fn end(self) {
        if self.first {
            self.out.push(b'{');
        }
        self.out.push(b'}');
    }
}

impl SynthUser {
    /// The user as a JSON object; `graph` picks Graph property names over Entra attribute
    /// names. Missing attributes are left out, or `null` for every third user.
    pub fn write_json(&self, out: &mut Vec<u8>, graph: bool) {
        let name = |entra: &'static str, graph_name: &'static str| {
            if graph {
                graph_name
            } else {
                entra
            }
        };
        let mut o = Obj {
            out,
            first: true,
            nulls: self.mail_nickname.len().is_multiple_of(3),
        };
        o.str(name("objectId", "id"), &self.object_id);
        o.str("userPrincipalName", &self.user_principal_name);
        o.str("displayName", &self.display_name);
        o.opt("givenName", self.given_name.as_deref());
        o.opt("surname", self.surname.as_deref());
        o.opt("mail", self.mail.as_deref());
        o.str("mailNickname", &self.mail_nickname);
        o.opt("jobTitle", self.job_title.as_deref());
        o.opt("department", self.department.as_deref());
        o.opt("employeeId", self.employee_id.as_deref());
        o.opt(
            name("immutableId", "onPremisesImmutableId"),
            self.immutable_id.as_deref(),
        );
        o.key("accountEnabled");
        o.out.extend_from_slice(if self.account_enabled {
            b"true"
        } else {
            b"false"
        });
        if let Some(deleted) = &self.deleted {
            o.str("deletedDateTime", deleted);
        }
        o.key("proxyAddresses");
        o.out.push(b'[');
        for (i, address) in self.proxy_addresses.iter().enumerate() {
            if i > 0 {
                o.out.push(b',');
            }
            write_json_str(o.out, address);
        }
        o.out.push(b']');
        let location = self.location.as_ref();
        o.opt("usageLocation", location.map(|l| l.0.as_str()));
        o.opt("city", location.map(|l| l.1.as_str()));
        o.opt("country", location.map(|l| l.2.as_str()));
        o.opt(name("mobile", "mobilePhone"), self.mobile.as_deref());
        o.str("userType", self.user_type);
        o.str("createdDateTime", &self.created);
        o.end();
    }

    /// The user as one row of the portal CSV (see [`PORTAL_CSV_HEADERS`]).
    pub fn csv_row(&self) -> Vec<String> {
        let location = self.location.as_ref();
        let text = |v: Option<&String>| v.cloned().unwrap_or_default();
        PORTAL_CSV_HEADERS
            .iter()
            .map(|header| match *header {
                "userPrincipalName" => self.user_principal_name.clone(),
                "displayName" => self.display_name.clone(),
                "surname" => text(self.surname.as_ref()),
                "mail" => text(self.mail.as_ref()),
                "givenName" => text(self.given_name.as_ref()),
                "objectId" => self.object_id.clone(),
                "userType" => self.user_type.to_owned(),
                "jobTitle" => text(self.job_title.as_ref()),
                "department" => text(self.department.as_ref()),
                "accountEnabled" => if self.account_enabled {
                    "True"
                } else {
                    "False"
                }
                .to_owned(),
                "usageLocation" => text(location.map(|l| &l.0)),
                "city" => text(location.map(|l| &l.1)),
                "country" => text(location.map(|l| &l.2)),
                "mobile" => text(self.mobile.as_ref()),
                "creationType" => String::new(),
                "directorySynced" => if self.immutable_id.is_some() {
                    "True"
                } else {
                    ""
                }
                .to_owned(),
                "identityIssuer" => "contoso.com".to_owned(),
                "createdDateTime" => self.created.clone(),
                _ => String::new(),
            })
            .collect()
    }
}

/// Writes `users` users of the tenant `seed` in `format`.
pub fn write<W: Write>(out: W, users: u64, seed: u64, format: SynthFormat) -> io::Result<()> {
    let mut tenant = Tenant::new(seed);
    match format {
        SynthFormat::Csv => {
            let mut csv = csv::Writer::from_writer(out);
            csv.write_record(PORTAL_CSV_HEADERS)?;
            for _ in 0..users {
                csv.write_record(tenant.next_user().csv_row())?;
            }
            csv.flush()
        }
        SynthFormat::Jsonl | SynthFormat::Graph => {
            let graph = format == SynthFormat::Graph;
            let mut out = io::BufWriter::with_capacity(1 << 16, out);
            if graph {
                out.write_all(b"{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#users\",\"value\":[\n")?;
            }
            let mut line = Vec::with_capacity(1024);
            for i in 0..users {
                line.clear();
                tenant.next_user().write_json(&mut line, graph);
                if graph && i + 1 < users {
                    line.push(b',');
                }
                line.push(b'\n');
                out.write_all(&line)?;
            }
            if graph {
                out.write_all(b"]}\n")?;
            }
            out.flush()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_by_seed() {
        let a: Vec<SynthUser> = Tenant::new(7).take(50).collect();
        let b: Vec<SynthUser> = Tenant::new(7).take(50).collect();
        let c: Vec<SynthUser> = Tenant::new(8).take(50).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn every_format_parses() {
        for format in [SynthFormat::Jsonl, SynthFormat::Graph] {
            let mut out = Vec::new();
            write(&mut out, 20, 1, format).unwrap_or_else(|e| panic!("{e}"));
            let text = String::from_utf8(out).unwrap_or_else(|e| panic!("{e}"));
            if format == SynthFormat::Graph {
                let page: serde_json::Value =
                    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(page["value"].as_array().map(Vec::len), Some(20));
            } else {
                assert_eq!(
                    text.lines()
                        .filter(|l| serde_json::from_str::<serde_json::Value>(l).is_ok())
                        .count(),
                    20
                );
            }
        }
        let mut out = Vec::new();
        write(&mut out, 5, 1, SynthFormat::Csv).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(String::from_utf8_lossy(&out).lines().count(), 6);
    }
}
