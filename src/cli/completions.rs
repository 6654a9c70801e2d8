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
}

/// Runs `entramap completions`.
pub fn run(args: CompletionsArgs) -> u8 {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "entramap", &mut script);
    write(&args.output, script)
}

/// Runs `entramap man`: the roff source of `entramap(1)`, with every command.
pub fn run_man(args: ManArgs) -> u8 {
    let mut page = Vec::new();
    if let Err(e) = clap_mangen::Man::new(Cli::command()).render(&mut page) {
        say!("entramap: cannot render the man page: {e}");
        return EXIT_USAGE;
    }
    write(&args.output, page)
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
