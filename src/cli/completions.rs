//! `entramap completions SHELL` and `entramap man`: shell completions and the man page, written
//! from the same clap definitions the command line parses with.

use super::{Cli, OutputArg, EXIT_USAGE};
use clap::CommandFactory;
use clap_complete::Shell;

/// Arguments of `entramap completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish.
    #[arg(value_enum)]
    shell: Shell,
    #[command(flatten)]
    output: OutputArg,
}

/// Arguments of `entramap man`.
#[derive(Debug, clap::Args)]
pub struct ManArgs {
    #[command(flatten)]
    output: OutputArg,
    /// Write every page into DIR instead: `entramap.1` and one page per command
    /// (`entramap-lint.1`, ...), the pages `entramap(1)` refers to.
    #[arg(long, value_name = "DIR", conflicts_with = "output")]
    dir: Option<std::path::PathBuf>,
}

/// Runs `entramap completions`: the commands people use (not the hidden `synth`), with the
/// values [`Candidates`] lists.
pub fn run(args: CompletionsArgs) -> u8 {
    let full = Cli::command();
    let mut command = clap::Command::new("entramap")
        .args(full.get_arguments().cloned())
        .subcommands(full.get_subcommands().filter(|c| !c.is_hide_set()).cloned());
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "entramap", &mut script);
    write(&args.output, script)
}

/// Runs `entramap man`: the roff source of `entramap(1)`, with every command.
pub fn run_man(args: ManArgs) -> u8 {
    if let Some(dir) = &args.dir {
        return write_pages(dir);
    }
    let mut page = Vec::new();
    if let Err(e) = clap_mangen::Man::new(Cli::command()).render(&mut page) {
        say!("entramap: cannot render the man page: {e}");
        return EXIT_USAGE;
    }
    write(&args.output, page)
}

/// Writes `entramap.1` and the page of every command that is not hidden into `dir` (created if
/// missing), each atomically.
fn write_pages(dir: &std::path::Path) -> u8 {
    let mut command = Cli::command();
    command.build();
    let mut pages = vec![command.clone()];
    pages.extend(
        command
            .get_subcommands()
            .filter(|c| !c.is_hide_set())
            .cloned(),
    );
    if let Err(e) = std::fs::create_dir_all(dir) {
        say!("entramap: cannot create {}: {e}", dir.display());
        return EXIT_USAGE;
    }
    for page in pages {
        let man = clap_mangen::Man::new(page);
        let path = dir.join(man.get_filename());
        let mut roff = Vec::new();
        let written = man
            .render(&mut roff)
            .and_then(|()| entramap::base::fs::write_atomically(&path, &roff));
        if let Err(e) = written {
            say!("entramap: cannot write {}: {e}", path.display());
            return EXIT_USAGE;
        }
    }
    super::EXIT_OK
}

fn write(output: &OutputArg, bytes: Vec<u8>) -> u8 {
    match String::from_utf8(bytes) {
        Ok(text) => output.write(&text),
        Err(e) => {
            say!("entramap: the generated text is not UTF-8: {e}");
            EXIT_USAGE
        }
    }
}

/// A value parser that takes any text and offers a list of candidates to shell completions: the
/// built-in profile names for `--target`, the gallery apps for `init --app`, the rule ids for
/// `explain`. A value outside the list is still accepted here (a profile path; the command says
/// what it makes of it), and `--help` does not print the list.
#[derive(Debug, Clone, Copy)]
pub struct Candidates(pub fn() -> Vec<clap::builder::PossibleValue>);

impl Candidates {
    /// The built-in target profiles.
    pub fn profiles() -> Candidates {
        Candidates(|| {
            entramap::model::profile::built_in_names()
                .map(clap::builder::PossibleValue::new)
                .collect()
        })
    }

    /// The gallery apps `init --app` knows, each with its title as help.
    pub fn apps() -> Candidates {
        Candidates(|| {
            entramap::model::catalogue::gallery()
                .map(|e| clap::builder::PossibleValue::new(e.name).help(e.title))
                .collect()
        })
    }

    /// What `explain` explains: the rule ids and the provisioning log codes.
    pub fn explainable() -> Candidates {
        Candidates(|| {
            entramap::diagnostics::RuleId::ALL
                .iter()
                .map(|r| r.as_str())
                .chain(entramap::logs::codes::CODES.iter().map(|c| c.code))
                .map(clap::builder::PossibleValue::new)
                .collect()
        })
    }
}

impl clap::builder::TypedValueParser for Candidates {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new((self.0)().into_iter()))
    }
}
