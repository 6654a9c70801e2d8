//! Table-driven evaluator tests, one table per function family: Microsoft's documented examples
//! (expression-language.md section b, appendix C errata) and the evaluator's documented choices.

use chrono::{TimeZone, Utc};
use entramap::expr::catalogue;
use entramap::expr::eval::{
    compile_text, EvalContext, IifNullPolicy, JsonSource, NoFlowReason, Outcome, Value,
};

/// What a row expects.
enum Want {
    /// The value flows and its text (or list form) is this.
    Is(&'static str),
    /// Null result: does not flow.
    Null,
    /// IgnoreFlow: does not flow.
    NoFlow,
    /// Evaluation error whose message contains this.
    Fails(&'static str),
}
use Want::*;

fn ctx() -> EvalContext {
    EvalContext::at(Utc.with_ymd_and_hms(2025, 1, 15, 12, 30, 45).unwrap())
}

fn run_with(expression: &str, user: &str, ctx: &EvalContext) -> Result<Outcome, String> {
    let source = JsonSource::parse(user).expect("valid user JSON");
    compile_text(expression)
        .and_then(|c| c.eval(&source, ctx))
        .map_err(|e| e.to_string())
}

fn show(outcome: &Result<Outcome, String>) -> String {
    match outcome {
        Ok(Outcome::Flows {
            value: value @ (Value::Multi(_) | Value::Role(_)),
            ..
        }) => value.to_string(),
        Ok(Outcome::Flows { value, .. }) => value.text().unwrap_or_default().into_owned(),
        Ok(Outcome::NotFlowing { reason, .. }) => format!("<{}>", reason.as_str()),
        Err(e) => format!("<error: {e}>"),
    }
}

fn check_table(rows: &[(&str, &str, Want)]) {
    check_table_in(rows, &ctx());
}

fn check_table_in(rows: &[(&str, &str, Want)], ctx: &EvalContext) {
    let mut failures = Vec::new();
    for (expression, user, want) in rows {
        let got = run_with(expression, user, ctx);
        let ok = match (want, &got) {
            (Is(text), Ok(Outcome::Flows { .. })) => show(&got) == *text,
            (
                Null,
                Ok(Outcome::NotFlowing {
                    reason: NoFlowReason::NullResult,
                    ..
                }),
            ) => true,
            (NoFlow, Ok(Outcome::NotFlowing { reason, .. })) => *reason != NoFlowReason::NullResult,
            (Fails(part), Err(message)) => message.contains(part),
            _ => false,
        };
        if !ok {
            let wanted = match want {
                Is(t) => t.to_string(),
                Null => "<null>".into(),
                NoFlow => "<no-flow>".into(),
                Fails(p) => format!("<error containing {p:?}>"),
            };
            failures.push(format!(
                "{expression}  with {user}\n   want {wanted}\n   got  {}",
                show(&got)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} row(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_declaration_says_what_it_does_and_compiles() {
    for function in catalogue::functions() {
        assert!(
            !function.summary.is_empty(),
            "{} has no summary",
            function.name
        );
        assert!(
            !function.semantics.is_empty(),
            "{} has no semantics",
            function.name
        );
        let args = vec!["\"1\""; function.min_args()].join(", ");
        let call = format!("{}({args})", function.name);
        assert!(compile_text(&call).is_ok(), "{call} does not compile");
    }
    fn shareable<T: Send + Sync>() {}
    shareable::<entramap::expr::eval::Compiled>();
}

/// `docs/evaluator.md`'s choices and function sections are generated from the catalogue and the
/// evaluator; this keeps the file equal to them (`ENTRAMAP_UPDATE_DOCS=1` rewrites it).
#[test]
fn evaluator_docs_are_generated_from_the_declarations() {
    crate::common::assert_generated_docs(
        "evaluator.md",
        &entramap::expr::eval::reference_markdown(),
        "evaluator_docs",
    );
}

#[test]
fn string_functions() {
    check_table(&[
        (
            r#"Append([userPrincipalName], ".test")"#,
            r#"{"userPrincipalName":"John.Doe@contoso.com"}"#,
            Is("John.Doe@contoso.com.test"),
        ),
        (r#"Append([missing], "x")"#, "{}", Is("x")),
        (
            r#"Append([proxyAddresses], "!")"#,
            r#"{"proxyAddresses":["a","b"]}"#,
            Is(r#"["a!", "b!"]"#),
        ),
        (r#"Left("John Doe", 3)"#, "{}", Is("Joh")),
        (r#"Left("John", 0)"#, "{}", Is("")),
        (r#"Left("John", -1)"#, "{}", Is("John")),
        (r#"Left("Jo", 10)"#, "{}", Is("Jo")),
        (r#"Left([missing], 3)"#, "{}", Is("")),
        (r#"Mid("John Doe", 6, 3)"#, "{}", Is("Doe")),
        (r#"Mid("John", 2, 9999)"#, "{}", Is("ohn")),
        (r#"Mid("John", 0, 2)"#, "{}", Is("")),
        (r#"Mid("John", 5, 2)"#, "{}", Is("")),
        (r#"Mid("John", 1, -2)"#, "{}", Is("")),
        (r#"Mid("John", 1, 9223372036854775807)"#, "{}", Is("John")),
        (r#"Mid("John", 9223372036854775807, 1)"#, "{}", Is("")),
        (
            r#"Mid("John", 1, 99999999999999999999)"#,
            "{}",
            Fails("not an integer"),
        ),
        (r#"Mid("Zoë Ågren", 3, 3)"#, "{}", Is("ë Å")),
        (r#"StripSpaces(" a b	c ")"#, "{}", Is("ab\tc")),
        (r#"Trim(" Test ")"#, "{}", Is("Test")),
        (r#"Trim([v])"#, r#"{"v":[" a ","b "]}"#, Is(r#"["a", "b"]"#)),
        (
            r#"Word("This,string!has&many separators",3,",!&#")"#,
            "{}",
            Is("has"),
        ),
        (r#"Word("a,,b", 2, ",")"#, "{}", Is("b")),
        (r#"Word("a b", 3, " ")"#, "{}", Is("")),
        (r#"Word("a b", 0, " ")"#, "{}", Is("")),
        (r#"Word([missing], 1, " ")"#, "{}", Is("")),
        (r#"InStr("The quick brown fox","quick")"#, "{}", Is("5")),
        (r#"InStr("repEated","e",3,vbBinaryCompare)"#, "{}", Is("7")),
        (r#"InStr("repEated","e",3,vbTextCompare)"#, "{}", Is("4")),
        (r#"InStr("abc","z")"#, "{}", Is("0")),
        (r#"InStr("abc","c", 9)"#, "{}", Is("0")),
        (r#"InStr("abc","c", 0)"#, "{}", Fails("below 1")),
        (r#"Instr("a,b", ",", , )"#, "{}", Is("2")),
        (r#"InStr([missing], "a")"#, "{}", Is("0")),
        (r#"ToLower("ÀÉÎ ǅ")"#, "{}", Is("àéî ǆ")),
        (r#"ToUpper("straße")"#, "{}", Is("STRAßE")),
        (r#"ToUpper("istanbul", "tr-TR")"#, "{}", Is("İSTANBUL")),
        (r#"ToLower("DİYARBAKIR", "tr-TR")"#, "{}", Is("diyarbakır")),
        (r#"ToLower("IŞIK", "az")"#, "{}", Is("ışık")),
        (r#"ToLower("ISTANBUL", "en-US")"#, "{}", Is("istanbul")),
        (r#"ToLower("X", "not a culture!")"#, "{}", Fails("culture")),
        (
            r#"ToLower(Mid([lastName], 2, 64), )"#,
            r#"{"lastName":"JOHNSON"}"#,
            Is("ohnson"),
        ),
        (r#"ToLower([missing])"#, "{}", Null),
        (
            r#"PCase([lastName]," '-")"#,
            r#"{"lastName":"PINTO-DE'SILVA"}"#,
            Is("Pinto-De'Silva"),
        ),
        (
            r#"PCase("st john's hospital")"#,
            "{}",
            Is("St John'S Hospital"),
        ),
        (
            r#"PCase("PABLO GONSALVES (SECOND)")"#,
            "{}",
            Is("Pablo Gonsalves (Second)"),
        ),
        (
            r#"PCase("josé o'neil-smith_jr")"#,
            "{}",
            Is("José O'Neil-Smith_Jr"),
        ),
        (r#"PCase("a b", "")"#, "{}", Is("A b")),
        (
            r#"ConvertToBase64("Hello world!")"#,
            "{}",
            Is("SABlAGwAbABvACAAdwBvAHIAbABkACEA"),
        ),
        (
            r#"ConvertFromBase64("SABlAGwAbABvACAAdwBvAHIAbABkACEA")"#,
            "{}",
            Is("Hello world!"),
        ),
        (r#"ConvertFromBase64("SGVsbG8=", UTF8)"#, "{}", Is("Hello")),
        (r#"ConvertFromBase64("SGVsbG8", UTF8)"#, "{}", Is("Hello")),
        (r#"ConvertFromBase64("/w==", ASCII)"#, "{}", Is("?")),
        (r#"ConvertFromBase64("!!!")"#, "{}", Fails("invalid base64")),
        (r#"ConvertFromBase64("SGVsbG8=")"#, "{}", Fails("UTF-16")),
        (
            r#"ConvertToUTF8Hex("Hello world!")"#,
            "{}",
            Is("48656C6C6F20776F726C6421"),
        ),
        (
            r#"Join("", 1000, Replace(ConvertToUTF8Hex([objectId]), , "[a-zA-Z_]*", , "", , ))"#,
            r#"{"objectId":"00aa00aa-bb11-cc22-dd33-44ee44ee44ee"}"#,
            Is("100030306161303061612626231312636332322646433332343465653434656534346565"),
        ),
        (r#"CStr([n])"#, r#"{"n":42}"#, Is("42")),
        (r#"CStr([b])"#, r#"{"b":true}"#, Is("True")),
        (
            r#"CStr([dn])"#,
            r#"{"dn":"cn=Joe,dc=contoso,dc=com"}"#,
            Is("cn=Joe,dc=contoso,dc=com"),
        ),
        (r#"CStr([missing])"#, "{}", Null),
        (
            r#"DNComponent([dn], 1)"#,
            r#"{"dn":"cn=Joe,ou=Users,dc=contoso"}"#,
            Is("Joe"),
        ),
        (
            r#"DNComponent([dn], 2)"#,
            r#"{"dn":"cn=Doe\\, Joe,ou=Users"}"#,
            Is("Users"),
        ),
        (r#"DNComponent([dn], 9)"#, r#"{"dn":"cn=Joe"}"#, Null),
        (
            r#"StringFromSid([sid])"#,
            r#"{"sid":"AQUAAAAAAAUVAAAAoGXPfnhLm1/P2c4W9AEAAA=="}"#,
            Is("S-1-5-21-2127521184-1604012920-382654927-500"),
        ),
        (
            r#"StringFromSid([sid])"#,
            r#"{"sid":"AQU="}"#,
            Fails("malformed"),
        ),
    ]);
}

#[test]
fn normalize_diacritics_uses_the_table() {
    check_table(&[
        (
            r#"NormalizeDiacritics([givenName])"#,
            r#"{"givenName":"Zoë"}"#,
            Is("Zoe"),
        ),
        (
            r#"NormalizeDiacritics("Jéssica Smith")"#,
            "{}",
            Is("Jessica Smith"),
        ),
        (
            r#"NormalizeDiacritics("Łódź Ðakovo")"#,
            "{}",
            Is("Lodz Ðakovo"),
        ),
        (
            r#"NormalizeDiacritics("Æsir Øre ßtraße")"#,
            "{}",
            Is("AEsir OEre sstrasse"),
        ),
        (
            r#"NormalizeDiacritics("ø œ đ ħ Ж")"#,
            "{}",
            Is("oe œ đ ħ Ж"),
        ),
        (r#"NormalizeDiacritics("ā́x")"#, "{}", Is("ax")),
        (r#"NormalizeDiacritics("ı İ ǖ ȫ")"#, "{}", Is("i I u o")),
        (r#"NormalizeDiacritics([missing])"#, "{}", Null),
    ]);
    assert!(entramap::expr::eval::text::diacritics_len() > 250);
}

#[test]
fn replace_modes() {
    check_table(&[
        (
            r#"Replace([BusinessTitle],"Product Developer", , , "Software Engineer", , )"#,
            r#"{"BusinessTitle":"Senior Product Developer"}"#,
            Is("Senior Software Engineer"),
        ),
        (
            r#"Replace([UserID],"<username>", , , , , "<username>@contoso.com")"#,
            r#"{"UserID":"jsmith"}"#,
            Is("jsmith@contoso.com"),
        ),
        (
            r#"Replace([telephoneNumber], , "\\+(?<isdCode>\\d* )(?<phoneNumber>\\d{10})", , "${phoneNumber}", , )"#,
            r#"{"telephoneNumber":"+91 9998887777"}"#,
            Is("9998887777"),
        ),
        (
            r#"Replace([AddressLineData], ,"(?<streetNumber>^\\d*)","streetNumber", "888", , )"#,
            r#"{"AddressLineData":"545 Tremont Street"}"#,
            Is("888 Tremont Street"),
        ),
        (
            r#"Replace([telephoneNumber], , "\\+(?<isdCode>\\d* )(?<phoneNumber>\\d{10})", "phoneNumber" , , [mobile], )"#,
            r#"{"telephoneNumber":"","mobile":"+91 8887779999"}"#,
            Is("8887779999"),
        ),
        (
            r#"Replace([telephoneNumber], , "\\+(?<isdCode>\\d* )(?<phoneNumber>\\d{10})", "phoneNumber" , , [mobile], )"#,
            r#"{"telephoneNumber":"555","mobile":"+91 8887779999"}"#,
            Is("555"),
        ),
        (
            r#"Replace([mobile], , "[()\\s-]+", , "", , )"#,
            r#"{"mobile":"+1 (999) 888-7777"}"#,
            Is("+19998887777"),
        ),
        (
            r#"Replace([WorkerID], , "(?<leadingZeros>^0+)(?<actualValue>[a-zA-Z0-9]+)", , "${actualValue}", ,)"#,
            r#"{"WorkerID":"00012345"}"#,
            Is("12345"),
        ),
        (
            r#"Replace("abc", , "(b)", , "[$1$$$&$`$'$+$_${1}$9${nope}]", , )"#,
            "{}",
            Is("a[b$bacbabcb$9${nope}]c"),
        ),
        (
            r#"Replace("abc", , "(?'x'b)", , "<${x}>", , )"#,
            "{}",
            Is("a<b>c"),
        ),
        (r#"Replace("a.b", , "\\.", , "-", , )"#, "{}", Is("a-b")),
        (r#"Replace("a<b>", , "[\\<\\>]", , "", , )"#, "{}", Is("ab")),
        (r#"Replace("x{y}", , "{y}", , "z", , )"#, "{}", Is("xz")),
        (
            r#"Replace("CN=a\,b", "\,", , , "\2C", , )"#,
            "{}",
            Is(r"CN=a\2Cb"),
        ),
        (
            r#"Replace("aaa", , "a(?=a)", , "b", , )"#,
            "{}",
            Fails("look-around"),
        ),
        (
            r#"Replace("aa", , "(a)\\1", , "b", , )"#,
            "{}",
            Fails("backreference"),
        ),
        (
            r#"Replace("aa", , "(", , "b", , )"#,
            "{}",
            Fails("invalid regular expression"),
        ),
        (
            r#"Replace("aa", , [pattern], , "b", , )"#,
            r#"{"pattern":"a+"}"#,
            Is("b"),
        ),
        (
            r#"Replace("aa", , [pattern], , "b", , )"#,
            r#"{"pattern":"(?<=a)"}"#,
            Fails("look-around"),
        ),
        (
            r#"Replace("abc", "", , , "x", , )"#,
            "{}",
            Fails("oldValue is empty"),
        ),
        (r#"Replace([missing], "a", , , "b", , )"#, "{}", Null),
        (
            r#"Replace([v], "a", , , "b", , )"#,
            r#"{"v":["a1","a2"]}"#,
            Is(r#"["b1", "b2"]"#),
        ),
        (
            r#"Replace("abc", , "(?<g>b)", "nosuch", "x", , )"#,
            "{}",
            Fails("no group named"),
        ),
    ]);
}

#[test]
fn multi_valued_functions() {
    check_table(&[
        (
            r#"Item([proxyAddresses], 1)"#,
            r#"{"proxyAddresses":["SMTP:a@x","smtp:b@x"]}"#,
            Is("SMTP:a@x"),
        ),
        (
            r#"Item([proxyAddresses], 2)"#,
            r#"{"proxyAddresses":["SMTP:a@x","smtp:b@x"]}"#,
            Is("smtp:b@x"),
        ),
        (
            r#"Item([proxyAddresses], 0)"#,
            r#"{"proxyAddresses":["SMTP:a@x"]}"#,
            Fails("out of range"),
        ),
        (
            r#"Item([proxyAddresses], 3)"#,
            r#"{"proxyAddresses":["SMTP:a@x"]}"#,
            Fails("out of range"),
        ),
        (r#"Item([mail], 1)"#, r#"{"mail":"a@x"}"#, Is("a@x")),
        (r#"Item([missing], 1)"#, "{}", Null),
        (
            r#"Left(Item(Split([userPrincipalName], "@"), 1), 15)"#,
            r#"{"userPrincipalName":"averyveryverylongname@contoso.com"}"#,
            Is("averyveryverylo"),
        ),
        (
            r#"Split([extensionAttribute5], ",")"#,
            r#"{"extensionAttribute5":"PermissionSetOne, PermissionSetTwo"}"#,
            Is(r#"["PermissionSetOne", " PermissionSetTwo"]"#),
        ),
        (r#"Split("a::b", "::")"#, "{}", Is(r#"["a", "b"]"#)),
        (r#"Split("ab", "")"#, "{}", Is(r#"["ab"]"#)),
        (r#"Split([missing], ",")"#, "{}", Null),
        (
            r#"Count([proxyAddresses])"#,
            r#"{"proxyAddresses":["a","b","c"]}"#,
            Is("3"),
        ),
        (r#"Count([missing])"#, "{}", Is("0")),
        (r#"Count([empty])"#, r#"{"empty":[]}"#, Is("0")),
        (
            r#"RemoveDuplicates([v])"#,
            r#"{"v":["b","a","b","A"]}"#,
            Is(r#"["b", "a", "A"]"#),
        ),
        (
            r#"Join(", ", "", [surname], [givenName])"#,
            r#"{"surname":"Doe","givenName":"John"}"#,
            Is("Doe, John"),
        ),
        (
            r#"Join(",", [v], "x")"#,
            r#"{"v":["a","","b"]}"#,
            Is("a,b,x"),
        ),
        (r#"Join(",", [missing])"#, "{}", Is("")),
        (r#"Join("1@", "a", "b")"#, "{}", Is("a1@b")),
        (
            r#"SingleAppRoleAssignment([appRoleAssignments])"#,
            r#"{"appRoleAssignments":["Admin"]}"#,
            Is("Admin"),
        ),
        (
            r#"SingleAppRoleAssignment([appRoleAssignments])"#,
            r#"{"appRoleAssignments":[{"value":"admin","displayName":"Admin"}]}"#,
            Is("admin"),
        ),
        (
            r#"AppRoleAssignmentsComplex([appRoleAssignments])"#,
            r#"{"appRoleAssignments":["Admin"]}"#,
            Is(
                r#"[{"primary":false,"type":"WindowsAzureActiveDirectoryRole","display":"Admin","value":"Admin"}]"#,
            ),
        ),
        (
            r#"AssertiveAppRoleAssignmentsComplex([appRoleAssignments])"#,
            "{}",
            Null,
        ),
        (
            r#"ToLower([proxyAddresses])"#,
            r#"{"proxyAddresses":["SMTP:A@X","smtp:B@X"]}"#,
            Is(r#"["smtp:a@x", "smtp:b@x"]"#),
        ),
        (
            r#"Switch([proxyAddresses], "d", "a", "b")"#,
            r#"{"proxyAddresses":["a","b"]}"#,
            Fails("multi-valued"),
        ),
    ]);
}

#[test]
fn logic_and_null_handling() {
    check_table(&[
        (
            r#"Switch([IsSoftDeleted], , "False", "True", "True", "False")"#,
            r#"{"IsSoftDeleted":"False"}"#,
            Is("True"),
        ),
        (
            r#"Switch([IsSoftDeleted], , "False", "True", "True", "False")"#,
            r#"{"IsSoftDeleted":true}"#,
            Is("False"),
        ),
        (
            r#"Switch([IsSoftDeleted], , "False", "True", "True", "False")"#,
            r#"{"IsSoftDeleted":"maybe"}"#,
            Null,
        ),
        (
            r#"Switch([country],[country],"","Other")"#,
            "{}",
            Is("Other"),
        ),
        (
            r#"Switch([country],[country],"","Other")"#,
            r#"{"country":""}"#,
            Is("Other"),
        ),
        (
            r#"Switch([country],[country],"","Other")"#,
            r#"{"country":"NL"}"#,
            Is("NL"),
        ),
        (
            r#"Switch([statusFlag], "Default Value", "true", "1", "", "0")"#,
            r#"{"statusFlag":"TRUE"}"#,
            Is("Default Value"),
        ),
        (
            r#"Switch("a", "d", "a", Error("never"), "a", "x")"#,
            "{}",
            Fails("never"),
        ),
        (
            r#"Switch("b", "d", "a", Error("never"), "b", "x")"#,
            "{}",
            Is("x"),
        ),
        (
            r#"IIF([country]="USA",[country],[department])"#,
            r#"{"country":"USA","department":"Sales"}"#,
            Is("USA"),
        ),
        (
            r#"IIF([country]="USA",[country],[department])"#,
            r#"{"country":"NL","department":"Sales"}"#,
            Is("Sales"),
        ),
        (
            r#"IIF(IsNullOrEmpty([country]),"Other",[country])"#,
            "{}",
            Is("Other"),
        ),
        (
            r#"IIF(IsPresent([mobile]), [mobile], [telephoneNumber])"#,
            r#"{"telephoneNumber":"1"}"#,
            Is("1"),
        ),
        (r#"IIF("yes", "a", "b")"#, "{}", Fails("not a Boolean")),
        (r#"IIF("TRUE", "a", Error("lazy"))"#, "{}", Is("a")),
        (
            r#"IIF(InStr([userPrincipalName], "@partners") > 0,"Guest","Member")"#,
            r#"{"userPrincipalName":"a@partners.com"}"#,
            Is("Guest"),
        ),
        (
            r#"IIF([n] > 9, "big", "small")"#,
            r#"{"n":"10"}"#,
            Is("big"),
        ),
        (
            r#"IIF([s] > "9", "big", "small")"#,
            r#"{"s":"10a"}"#,
            Is("small"),
        ),
        (r#"IIF([n] >= -1, "y", "n")"#, r#"{"n":-1}"#, Is("y")),
        (
            r#"IIF([a] <> [b], "diff", "same")"#,
            r#"{"a":"X","b":"x"}"#,
            Is("diff"),
        ),
        (
            r#"CBool([attribute1] = [attribute2])"#,
            r#"{"attribute1":"a","attribute2":"a"}"#,
            Is("True"),
        ),
        (r#"CBool("0")"#, "{}", Is("False")),
        (r#"CBool([missing])"#, "{}", Is("False")),
        (r#"CBool("perhaps")"#, "{}", Fails("not a Boolean")),
        (
            r#"Not([IsSoftDeleted])"#,
            r#"{"IsSoftDeleted":"True"}"#,
            Is("False"),
        ),
        (
            r#"Not([IsSoftDeleted])"#,
            r#"{"IsSoftDeleted":"true"}"#,
            Is("False"),
        ),
        (
            r#"Not([IsSoftDeleted])"#,
            r#"{"IsSoftDeleted":false}"#,
            Is("True"),
        ),
        (r#"Not([missing])"#, "{}", Is("True")),
        (
            r#"Coalesce([mail],[userPrincipalName])"#,
            r#"{"userPrincipalName":"u@x"}"#,
            Is("u@x"),
        ),
        (
            r#"Coalesce([preferredName],[firstName])"#,
            r#"{"preferredName":"","firstName":"F"}"#,
            Is(""),
        ),
        (r#"Coalesce([a],[b])"#, "{}", Null),
        (r#"IsNull([a])"#, r#"{"a":null}"#, Is("True")),
        (r#"IsNull([a])"#, r#"{"a":""}"#, Is("False")),
        (r#"IsNullOrEmpty([a])"#, r#"{"a":""}"#, Is("True")),
        (r#"IsPresent([a])"#, r#"{"a":" "}"#, Is("True")),
        (r#"IsString([a])"#, r#"{"a":5}"#, Is("True")),
        (r#"IsString([a])"#, r#"{"a":["x","y"]}"#, Is("False")),
        (r#"IsString([a])"#, "{}", Is("False")),
        (r#"IgnoreFlowIfNullOrEmpty([department])"#, "{}", NoFlow),
        (
            r#"IgnoreFlowIfNullOrEmpty([department])"#,
            r#"{"department":""}"#,
            NoFlow,
        ),
        (
            r#"IgnoreFlowIfNullOrEmpty([department])"#,
            r#"{"department":"Sales"}"#,
            Is("Sales"),
        ),
        (
            r#"Join(",", IgnoreFlowIfNullOrEmpty([x]), "a")"#,
            "{}",
            NoFlow,
        ),
        (
            r#"IIF([a]="1", "x", IgnoreAttributeFlow)"#,
            r#"{"a":"2"}"#,
            NoFlow,
        ),
        (
            r#"IIF([a]="1", "x", IgnoreObjectFlow)"#,
            r#"{"a":"2"}"#,
            NoFlow,
        ),
        (r#"[missing]"#, "{}", Null),
        (r#""""#, "{}", Is("")),
        (
            r#"Redact([userPrincipalName])"#,
            r#"{"userPrincipalName":"u@x"}"#,
            Is("u@x"),
        ),
        (r#"BitAnd(&HF, &HF7)"#, "{}", Is("7")),
        (r#"BitAnd("12", 10)"#, "{}", Is("8")),
        (r#"BitAnd("x", 10)"#, "{}", Fails("not an integer")),
        (r#"Error("Unknown city")"#, "{}", Fails("Unknown city")),
        (
            r#"Append("@", %DomainFQDN%)"#,
            "{}",
            Fails("--param DomainFQDN"),
        ),
        (
            r#"DefaultDomain()"#,
            "{}",
            Fails("undocumented, not evaluated"),
        ),
        (
            r#"AppRoleAssignments([appRoleAssignments])"#,
            "{}",
            Fails("undocumented, not evaluated"),
        ),
    ]);
}

#[test]
fn strict_iif_policy_fails_on_null_conditions() {
    let mut strict = ctx();
    strict.iif_null = IifNullPolicy::Strict;
    check_table_in(
        &[
            (
                r#"IIF(IsNullOrEmpty([country]),"Other",[country])"#,
                "{}",
                Fails("null or empty"),
            ),
            (
                r#"IIF([country]="USA","a","b")"#,
                r#"{"country":"NL"}"#,
                Is("b"),
            ),
        ],
        &strict,
    );
}

#[test]
fn parameters_unique_values_and_context() {
    let mut c = ctx();
    c.parameters
        .insert("DomainFQDN".into(), "contoso.com".into());
    c.parameters
        .insert("DefaultDomain".into(), "contoso.onmicrosoft.com".into());
    c.taken.insert("John.Smith@contoso.com".into());
    check_table_in(
        &[
            (r#"Append("@", %DomainFQDN%)"#, "{}", Is("@contoso.com")),
            (r#"DefaultDomain()"#, "{}", Is("contoso.onmicrosoft.com")),
            (
                r#"SelectUniqueValue(Join("@", Join(".", [PreferredFirstName], [PreferredLastName]), "contoso.com"), Join("@", Join(".", Mid([PreferredFirstName], 1, 1), [PreferredLastName]), "contoso.com"))"#,
                r#"{"PreferredFirstName":"John","PreferredLastName":"Smith"}"#,
                Is("J.Smith@contoso.com"),
            ),
            (
                r#"SelectUniqueValue("John.Smith@contoso.com", "")"#,
                "{}",
                Fails("already taken"),
            ),
        ],
        &c,
    );
}

#[test]
fn date_functions() {
    check_table(&[
        (
            r#"CDate("2021-06-30+08:00")"#,
            "{}",
            Is("6/29/2021 4:00:00 PM"),
        ),
        (
            r#"CDate("2020-03-16-07:00")"#,
            "{}",
            Is("3/16/2020 7:00:00 AM"),
        ),
        (
            r#"CDate("2009-06-15T01:45:30-07:00")"#,
            "{}",
            Is("6/15/2009 8:45:30 AM"),
        ),
        (
            r#"CDate("8/25/2021 5:41:18 PM")"#,
            "{}",
            Is("8/25/2021 5:41:18 PM"),
        ),
        (r#"CDate("2021-08-24")"#, "{}", Is("8/24/2021 12:00:00 AM")),
        (r#"CDate("2021-02-30")"#, "{}", Fails("CDate understands")),
        (r#"CDate([missing])"#, "{}", Fails("null")),
        (r#"CDate("")"#, "{}", Fails("CDate understands")),
        (r#"Now()"#, "{}", Is("1/15/2025 12:30:45 PM")),
        (
            r#"DateAdd("d", 7, CDate([StatusHireDate]))"#,
            r#"{"StatusHireDate":"2012-03-16-07:00"}"#,
            Is("3/23/2012 7:00:00 AM"),
        ),
        (
            r#"DateAdd("ww", 2, CDate([StatusHireDate]))"#,
            r#"{"StatusHireDate":"2012-03-16-07:00"}"#,
            Is("3/30/2012 7:00:00 AM"),
        ),
        (
            r#"DateAdd("yyyy", 2, CDate([StatusHireDate]))"#,
            r#"{"StatusHireDate":"2012-03-16-07:00"}"#,
            Is("3/16/2014 7:00:00 AM"),
        ),
        (
            r#"DateAdd("m", 10, CDate("2012-03-16-07:00"))"#,
            "{}",
            Is("1/16/2013 7:00:00 AM"),
        ),
        (
            r#"DateAdd("m", 1, CDate("2024-01-31"))"#,
            "{}",
            Is("2/29/2024 12:00:00 AM"),
        ),
        (
            r#"DateAdd("h", "-7", Now())"#,
            "{}",
            Is("1/15/2025 5:30:45 AM"),
        ),
        (
            r#"DateAdd("d", "10", Now())"#,
            "{}",
            Is("1/25/2025 12:30:45 PM"),
        ),
        (
            r#"DateAdd("d", -10, CDate("2025-01-05"))"#,
            "{}",
            Is("12/26/2024 12:00:00 AM"),
        ),
        (
            r#"DateAdd("n", 90, CDate("2025-01-05"))"#,
            "{}",
            Is("1/5/2025 1:30:00 AM"),
        ),
        (
            r#"DateAdd("s", 59, CDate("2025-01-05"))"#,
            "{}",
            Is("1/5/2025 12:00:59 AM"),
        ),
        (r#"DateAdd("q", 1, Now())"#, "{}", Fails("not an interval")),
        (r#"DateAdd("D", 1, Now())"#, "{}", Fails("not an interval")),
        (
            r#"DateAdd("yyyy", 9223372036854775807, Now())"#,
            "{}",
            Fails("range"),
        ),
        (
            r#"DateAdd("d", 9223372036854775807, Now())"#,
            "{}",
            Fails("range"),
        ),
        (r#"DateAdd("yyyy", 8000, Now())"#, "{}", Fails("range")),
        (
            r#"DateDiff("d", CDate("2021-08-18+08:00"), CDate("2021-08-31+08:00"))"#,
            "{}",
            Is("13"),
        ),
        (
            r#"DateDiff("ww", CDate("8/25/2021 5:41:18 PM"), CDate("2012-03-16-07:00"))"#,
            "{}",
            Is("-493"),
        ),
        (
            r#"DateDiff("yyyy", CDate("8/25/2021 5:41:18 PM"), CDate("2012-03-16-07:00"))"#,
            "{}",
            Is("-9"),
        ),
        (
            r#"DateDiff("m", CDate("8/25/2021 5:41:18 PM"), CDate("2012-03-16-07:00"))"#,
            "{}",
            Is("-113"),
        ),
        (
            r#"DateDiff("d", CDate("8/25/2021 5:41:18 PM"), CDate("2012-03-16-07:00"))"#,
            "{}",
            Is("-3449"),
        ),
        (
            r#"DateDiff("h", CDate("2021-08-24"), CDate("2021-08-25"))"#,
            "{}",
            Is("24"),
        ),
        (
            r#"DateDiff("n", CDate("2021-08-24"), CDate("2021-08-25"))"#,
            "{}",
            Is("1440"),
        ),
        (
            r#"DateDiff("s", CDate("2021-08-24"), CDate("2021-08-25"))"#,
            "{}",
            Is("86400"),
        ),
        (r#"DateDiff("d", Now(), "2025-01-20")"#, "{}", Is("5")),
        (
            r#"DateFromNum(129699324000000000)"#,
            "{}",
            Is("1/1/2012 11:00:00 PM"),
        ),
        (r#"DateFromNum(0)"#, "{}", Is("1/1/1601 12:00:00 AM")),
        (
            r#"DateFromNum(9223372036854775807)"#,
            "{}",
            Fails("FILETIME range"),
        ),
        (r#"DateFromNum(-1)"#, "{}", Fails("FILETIME range")),
        (
            r#"NumFromDate("2020-12-31 23:59:59-08:00")"#,
            "{}",
            Is("132539615990000000"),
        ),
        (
            r#"NumFromDate("2099-12-31T23:59:59-04:00")"#,
            "{}",
            Is("157469327990000000"),
        ),
        (
            r#"NumFromDate("2025-12-31 23:59:59-05:00")"#,
            "{}",
            Is("134117171990000000"),
        ),
        (r#"NumFromDate("1600-12-31")"#, "{}", Fails("before 1601")),
        (
            r#"NumFromDate(DateFromNum(129699324000000000))"#,
            "{}",
            Is("129699324000000000"),
        ),
    ]);
}

#[test]
fn format_date_time() {
    check_table(&[
        (
            r#"FormatDateTime([x], , "yyyyMMddHHmmss.fZ", "yyyy-MM-dd")"#,
            r#"{"x":"20150123105347.1Z"}"#,
            Is("2015-01-23"),
        ),
        (
            r#"FormatDateTime([x], "yyyyMMddHHmmss.fZ", "yyyy-MM-dd")"#,
            r#"{"x":"20150123105347.1Z"}"#,
            Is("2015-01-23"),
        ),
        (
            r#"FormatDateTime([x], , "yyyy-MM-ddzzz", "yyyy-MM-dd")"#,
            r#"{"x":"2020-12-31-08:00"}"#,
            Is("2020-12-31"),
        ),
        (
            r#"FormatDateTime([x], , "yyyy-MM-ddzzz", "yyyyMMddHHmmss.fZ")"#,
            r#"{"x":"2020-12-31-08:00"}"#,
            Is("20201231080000.0Z"),
        ),
        (
            r#"FormatDateTime([x], , "M/d/yyyy hh:mm:ss tt", "yyyyMMddHHmmss.fZ")"#,
            r#"{"x":"12/31/2025 05:00:00 PM"}"#,
            Is("20251231170000.0Z"),
        ),
        (
            r#"FormatDateTime([x], , "M/d/yyyy hh:mm:ss tt", "yyyy-MM-dd")"#,
            r#"{"x":"1/15/2050 5:00:00 AM"}"#,
            Fails("does not match"),
        ),
        (
            r#"FormatDateTime(DateAdd("yyyy", 5, CDate("2025-01-15")), , "yyyy-MM-dd", "yyyy-MM-dd")"#,
            "{}",
            Fails("does not match"),
        ),
        (
            r#"FormatDateTime(Now(), , "M/d/yyyy h:mm:ss tt", "yyyy-MM-dd")"#,
            "{}",
            Is("2025-01-15"),
        ),
        (
            r#"FormatDateTime("2025-03-04T05:06:07.1234567Z", , "o", "o")"#,
            "{}",
            Is("2025-03-04T05:06:07.1234567Z"),
        ),
        (
            r#"FormatDateTime("2025-03-04 05:06:07", , "yyyy-MM-dd HH:mm:ss", "s")"#,
            "{}",
            Is("2025-03-04T05:06:07"),
        ),
        (
            r#"FormatDateTime("2025-03-04 05:06:07", , "yyyy-MM-dd HH:mm:ss", "u")"#,
            "{}",
            Is("2025-03-04 05:06:07Z"),
        ),
        (
            r#"FormatDateTime("2025-03-04 15:06:07", , "yyyy-MM-dd HH:mm:ss", "dddd, MMMM d, yyyy h:mm tt")"#,
            "{}",
            Is("Tuesday, March 4, 2025 3:06 PM"),
        ),
        (
            r#"FormatDateTime("2025-03-04 15:06:07", , "yyyy-MM-dd HH:mm:ss", "'Date:' yy/M/d \\H\\H H K zzz")"#,
            "{}",
            Is("Date: 25/3/4 HH 15  +00:00"),
        ),
        (
            r#"FormatDateTime("2025-03-04 15:06:07.5", , "yyyy-MM-dd HH:mm:ss.F", "ss.FFF|ss.fff")"#,
            "{}",
            Is("07.5|07.500"),
        ),
        (
            r#"FormatDateTime("2025-03-04 15:06:07", , "yyyy-MM-dd HH:mm:ss", "ss.FFF")"#,
            "{}",
            Is("07"),
        ),
        (
            r#"FormatDateTime("2025-03-04T15:06:07+02:00", , "yyyy-MM-dd'T'HH:mm:ssK", "HH:mm K")"#,
            "{}",
            Is("13:06 +00:00"),
        ),
        (
            r#"FormatDateTime("  2025-03-04  ", , "yyyy-MM-dd", "MMM d")"#,
            "{}",
            Is("Mar 4"),
        ),
        (
            r#"FormatDateTime("  2025-03-04", "None", "yyyy-MM-dd", "d")"#,
            "{}",
            Fails("does not match"),
        ),
        (
            r#"FormatDateTime("2025-03-04", "Bogus", "yyyy-MM-dd", "d")"#,
            "{}",
            Fails("DateTimeStyles"),
        ),
        (
            r#"FormatDateTime("99-03-04", , "yy-MM-dd", "yyyy")"#,
            "{}",
            Is("1999"),
        ),
        (
            r#"FormatDateTime("2025-03-04", , "yyyy-MM-dd", "x")"#,
            "{}",
            Fails("standard date/time format"),
        ),
        (
            r#"FormatDateTime("2025-02-30", , "yyyy-MM-dd", "d")"#,
            "{}",
            Fails("does not match"),
        ),
        (
            r#"FormatDateTime("13:00", , "HH:mm", "yyyy-MM-dd HH:mm")"#,
            "{}",
            Is("2025-01-15 13:00"),
        ),
        (r#"FormatDateTime([missing], , "yyyy", "yyyy")"#, "{}", Null),
        (
            r#"FormatDateTime("2025", , "yyyy", "ffffffff")"#,
            "{}",
            Fails("more than 7"),
        ),
    ]);
}

#[test]
fn random_functions_are_reproducible() {
    let rows = [
        "Guid()",
        "RandomString(6,3,0,0,3)",
        "Join(\",\", Guid(), Guid())",
        "RandomString(20,2,2,2,2,\"aeiou0\")",
    ];
    for expression in rows {
        let a = show(&run_with(expression, "{}", &ctx()));
        let b = show(&run_with(expression, "{}", &ctx()));
        assert_eq!(a, b, "{expression} is not reproducible under one seed");
        let mut other = ctx();
        other.seed = 7;
        assert_ne!(
            a,
            show(&run_with(expression, "{}", &other)),
            "{expression} ignores the seed"
        );
        let mut stream = ctx();
        stream.stream = 1;
        assert_ne!(
            a,
            show(&run_with(expression, "{}", &stream)),
            "{expression} ignores the stream"
        );
    }
    let guid = show(&run_with("Guid()", "{}", &ctx()));
    let re =
        regex::Regex::new("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
            .unwrap();
    assert!(re.is_match(&guid), "{guid}");
    let joined = show(&run_with("Join(\",\", Guid(), Guid())", "{}", &ctx()));
    let (g1, g2) = joined.split_once(',').unwrap();
    assert_ne!(g1, g2);
    for seed in 0..200 {
        let mut c = ctx();
        c.seed = seed;
        let s = show(&run_with("RandomString(6,3,0,0,3)", "{}", &c));
        assert_eq!(s.chars().count(), 6);
        assert!(s.chars().filter(char::is_ascii_digit).count() >= 3, "{s}");
        assert!(
            s.chars().filter(char::is_ascii_lowercase).count() >= 3,
            "{s}"
        );
        let t = show(&run_with("RandomString(20,2,2,2,2,\"aeiou0\")", "{}", &c));
        assert!(!t.chars().any(|ch| "aeiou0".contains(ch)), "{t}");
        assert!(
            t.chars().filter(|ch| !ch.is_ascii_alphanumeric()).count() >= 2,
            "{t}"
        );
    }
    check_table(&[
        ("RandomString(257,0,0,0,0)", "{}", Fails("1..=256")),
        ("RandomString(3,2,2,0,0)", "{}", Fails("more than Length")),
        ("RandomString(3,-1,0,0,0)", "{}", Fails("negative")),
        (
            "RandomString(3,1,0,0,0,\"0123456789\")",
            "{}",
            Fails("excludes all digits"),
        ),
        ("Redact(RandomString(6,3,0,0,3))", "{}", Is("s77n6m")),
    ]);
}

#[test]
fn hostile_inputs_are_errors_not_panics() {
    let big = "a".repeat(700_000);
    let user = serde_json::json!({"big": big, "list": vec!["x"; 1000]}).to_string();
    check_table(&[
        (r#"Join("", [big], [big])"#, &user, Fails("longer than")),
        (r#"Append([big], [big])"#, &user, Fails("longer than")),
        (
            r#"Replace([big], "a", , , "aa", , )"#,
            &user,
            Fails("longer than"),
        ),
        (
            r#"Replace([big], , "", , "xy", , )"#,
            &user,
            Fails("longer than"),
        ),
        (
            r#"Split(Replace([big], "a", , , ",", , ), ",")"#,
            &user,
            Fails("more than 100000 values"),
        ),
        (r#"Mid([big], 699999, 5)"#, &user, Is("aa")),
        (
            r#"Item([list], -9223372036854775808)"#,
            &user,
            Fails("out of range"),
        ),
        (r#"Left("abc", -9223372036854775808)"#, "{}", Is("abc")),
        (r#"InStr("abc", "b", 9223372036854775807)"#, "{}", Is("0")),
        (r#"Word("a b", -5, " ")"#, "{}", Is("")),
        (r#"BitAnd(&HFFFFFFFFFFFFFFFF, 1)"#, "{}", Fails("64 bits")),
        (
            r#"DateAdd("m", -9223372036854775808, Now())"#,
            "{}",
            Fails("range"),
        ),
        (
            r#"DateDiff("s", CDate("0001-01-01"), CDate("9999-12-31"))"#,
            "{}",
            Is("315537811200"),
        ),
        (
            r#"FormatDateTime("9999-12-31", , "yyyy-MM-dd", "yyyy-MM-dd")"#,
            "{}",
            Is("9999-12-31"),
        ),
        (
            r#"FormatDateTime("x", , "'unterminated", "d")"#,
            "{}",
            Fails("unterminated"),
        ),
        (
            r#"FormatDateTime("x", , "\\", "d")"#,
            "{}",
            Fails("standard date/time format"),
        ),
        (
            r#"FormatDateTime("x", , "yy\\", "d")"#,
            "{}",
            Fails("backslash"),
        ),
        (
            r#"Replace("a", , "\\", , "", , )"#,
            "{}",
            Fails("backslash"),
        ),
        (
            r#"Replace("a", , "[a-z-[aeiou]]", , "", , )"#,
            "{}",
            Fails("subtraction"),
        ),
        (
            r#"Replace("a", , "a{99999}{99999}", , "", , )"#,
            "{}",
            Fails("regular expression"),
        ),
        (
            r#"ConvertFromBase64("AA==", Klingon)"#,
            "{}",
            Fails("not an encoding"),
        ),
        (r#"DNComponent("cn=a", -9223372036854775808)"#, "{}", Null),
    ]);
}

#[test]
fn trace_text_prints_each_step_under_its_sub_expression() {
    let text = "IIF([accountEnabled],\n    \"on\", Join(\" \", \"off:\", [givenName]))";
    let source =
        JsonSource::parse(r#"{"accountEnabled": false, "givenName": "Megan"}"#).expect("user");
    let compiled = compile_text(text).expect("compiles");
    let (result, trace) = compiled.eval_traced(&source, &ctx());
    assert!(result.is_ok());
    assert_eq!(
        entramap::expr::eval::trace_text(text, &trace),
        concat!(
            "  [accountEnabled]\n    => False\n",
            "    [givenName]\n      => \"Megan\"\n",
            "  Join(\" \", \"off:\", [givenName])\n    => \"off: Megan\"\n",
            "IIF([accountEnabled], \"on\", Join(\" \", \"off:\", [givenName]))\n  => \"off: Megan\"\n",
        )
    );
}

/// Every function the catalogue marks `per_value` (the list `docs/evaluator.md` shows under the
/// multi-valued choice) maps a two-value source to two values, and no other is marked.
#[test]
fn per_value_functions_map_each_value() {
    let cases: &[(&str, &str)] = &[
        ("Append", r#"Append([proxyAddresses], "!")"#),
        ("Prepend", r#"Prepend("!", [proxyAddresses])"#),
        ("Left", "Left([proxyAddresses], 1)"),
        ("Mid", "Mid([proxyAddresses], 1, 1)"),
        ("Word", r#"Word([proxyAddresses], 1, " ")"#),
        ("Replace", r#"Replace([proxyAddresses], "a", , , "c", , )"#),
        ("ToLower", "ToLower([proxyAddresses])"),
        ("ToUpper", "ToUpper([proxyAddresses])"),
        ("PCase", "PCase([proxyAddresses])"),
        ("StripSpaces", "StripSpaces([proxyAddresses])"),
        ("Trim", "Trim([proxyAddresses])"),
        (
            "NormalizeDiacritics",
            "NormalizeDiacritics([proxyAddresses])",
        ),
        ("ConvertToBase64", "ConvertToBase64([proxyAddresses])"),
        ("ConvertToUTF8Hex", "ConvertToUTF8Hex([proxyAddresses])"),
    ];
    let mut marked: Vec<&str> = catalogue::functions()
        .filter(|f| f.per_value)
        .map(|f| f.name)
        .collect();
    marked.sort_unstable();
    marked.dedup();
    let mut covered: Vec<&str> = cases.iter().map(|(name, _)| *name).collect();
    covered.sort_unstable();
    assert_eq!(marked, covered);
    for (name, expression) in cases {
        let got = run_with(expression, r#"{"proxyAddresses":["a b","b a"]}"#, &ctx());
        let ok = matches!(
            &got,
            Ok(Outcome::Flows { value: Value::Multi(values), .. }) if values.len() == 2
        );
        assert!(ok, "{name}: {}", show(&got));
    }
}
