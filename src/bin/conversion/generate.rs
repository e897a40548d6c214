//! `conversion generate`: stream the contract CSV, or with an offer the
//! experiment CSV (the contract's columns plus `treated`).

use std::fs::File;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use conversion_playground::errors::{got, thousands, FieldError};
use conversion_playground::world::contract::MAX_ROWS_STREAMED;
use conversion_playground::world::csv_write::{
    write_experiment_header, write_experiment_rows, write_header, write_rows,
};
use conversion_playground::world::dataset::{Dataset, Latent};
use conversion_playground::world::experiment::ExperimentGenerator;
use conversion_playground::world::generator::Generator;
use conversion_playground::world::offer::OfferParams;
use conversion_playground::world::params::{GeneratorParams, Seed, ValidParams};
use conversion_playground::world::schema::PARAMETERS;

use crate::files::read_small;
use crate::flags;
use crate::output::{outln, write_failure, Failure};

/// Every generator parameter. Flags override `--params FILE`, which
/// overrides the contract's defaults.
#[derive(Args, Debug, Default)]
#[command(allow_negative_numbers = true)]
pub struct GenerateArgs {
    /// Number of users [default 5000; at most 10^12].
    #[arg(long)]
    rows: Option<u64>,
    /// Seed, any unsigned 64-bit integer, or `random` for one drawn from the
    /// system (printed on standard error, to reproduce the data) [default 42].
    #[arg(long, value_parser = parse_seed)]
    seed: Option<SeedArg>,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Read all parameters from a JSON file (as the page's "Download parameters" writes it).
    #[arg(long, value_name = "FILE")]
    params: Option<PathBuf>,
    /// Print the parameters in force as JSON instead of generating.
    #[arg(long)]
    print_params: bool,

    /// Baseline log-odds b0 [default 0].
    #[arg(long, alias = "b0", allow_hyphen_values = true)]
    baseline: Option<f64>,
    /// Noise σ inside the logistic [default 0.8].
    #[arg(long, allow_hyphen_values = true)]
    noise_sigma: Option<f64>,

    /// Weight of days_since_signup [default -0.02].
    #[arg(long, allow_hyphen_values = true)]
    weight_days_since_signup: Option<f64>,
    /// Weight of sessions_7d [default 0.30].
    #[arg(long, allow_hyphen_values = true)]
    weight_sessions_7d: Option<f64>,
    /// Weight of content_hours_7d [default 0.25].
    #[arg(long, allow_hyphen_values = true)]
    weight_content_hours_7d: Option<f64>,
    /// Weight of downloads_7d [default 0.50].
    #[arg(long, allow_hyphen_values = true)]
    weight_downloads_7d: Option<f64>,
    /// Weight of paywall_views_7d [default 0.40].
    #[arg(long, allow_hyphen_values = true)]
    weight_paywall_views_7d: Option<f64>,

    /// Score effect of tier_1 [default 0.8].
    #[arg(long, allow_hyphen_values = true)]
    tier_1_effect: Option<f64>,
    /// Score effect of tier_2 [default 0.3].
    #[arg(long, allow_hyphen_values = true)]
    tier_2_effect: Option<f64>,
    /// Score effect of tier_3 [default -0.2].
    #[arg(long, allow_hyphen_values = true)]
    tier_3_effect: Option<f64>,
    /// Share of users in tier_1 [default 0.35]; the three shares must sum to 1.
    #[arg(long, allow_hyphen_values = true)]
    tier_1_share: Option<f64>,
    /// Share of users in tier_2 [default 0.40].
    #[arg(long, allow_hyphen_values = true)]
    tier_2_share: Option<f64>,
    /// Share of users in tier_3 [default 0.25].
    #[arg(long, allow_hyphen_values = true)]
    tier_3_share: Option<f64>,

    /// Smallest days_since_signup [default 1].
    #[arg(long)]
    days_min: Option<u32>,
    /// Largest days_since_signup [default 59].
    #[arg(long)]
    days_max: Option<u32>,
    /// Poisson λ of sessions_7d [default 3].
    #[arg(long, allow_hyphen_values = true)]
    sessions_lambda: Option<f64>,
    /// Gamma shape of content_hours_7d [default 2].
    #[arg(long, allow_hyphen_values = true)]
    content_hours_shape: Option<f64>,
    /// Gamma scale of content_hours_7d [default 1.5].
    #[arg(long, allow_hyphen_values = true)]
    content_hours_scale: Option<f64>,
    /// Poisson λ of downloads_7d [default 1].
    #[arg(long, allow_hyphen_values = true)]
    downloads_lambda: Option<f64>,
    /// Poisson λ of paywall_views_7d [default 1.2].
    #[arg(long, allow_hyphen_values = true)]
    paywall_views_lambda: Option<f64>,

    /// The offer's effect τ0 on a treated user's score (log-odds). Any offer
    /// flag writes the experiment CSV: the contract's columns, `converted`
    /// the outcome under the assignment, then `treated` [default 0].
    #[arg(
        long,
        allow_hyphen_values = true,
        help_heading = "The offer and its experiment"
    )]
    offer_effect: Option<f64>,
    /// Added to the offer's effect per paywall view in the last 7 days
    /// (below 0: users who saw the paywall most are put off) [default 0].
    #[arg(
        long,
        allow_hyphen_values = true,
        help_heading = "The offer and its experiment"
    )]
    offer_fatigue: Option<f64>,
    /// Added to the offer's effect for tier_1 users [default 0].
    #[arg(
        long,
        allow_hyphen_values = true,
        help_heading = "The offer and its experiment"
    )]
    offer_tier_1_effect: Option<f64>,
    /// Added to the offer's effect for tier_2 users [default 0].
    #[arg(
        long,
        allow_hyphen_values = true,
        help_heading = "The offer and its experiment"
    )]
    offer_tier_2_effect: Option<f64>,
    /// Added to the offer's effect for tier_3 users [default 0].
    #[arg(
        long,
        allow_hyphen_values = true,
        help_heading = "The offer and its experiment"
    )]
    offer_tier_3_effect: Option<f64>,
    /// Share of users the experiment treats; alone (no effect), an A/A test
    /// [default 0.5].
    #[arg(
        long,
        allow_hyphen_values = true,
        help_heading = "The offer and its experiment"
    )]
    treated_share: Option<f64>,
    /// Seed of the assignment (its own random stream) [default 42].
    #[arg(long, value_parser = |t: &str| Seed::parse(t).map_err(|e| e.problem), help_heading = "The offer and its experiment")]
    assignment_seed: Option<Seed>,
}

/// A seed as given on the command line.
#[derive(Clone, Copy, Debug)]
enum SeedArg {
    Given(Seed),
    Random,
}

fn parse_seed(text: &str) -> Result<SeedArg, String> {
    if text.trim() == "random" {
        return Ok(SeedArg::Random);
    }
    Seed::parse(text).map(SeedArg::Given).map_err(|e| {
        let word = text
            .trim()
            .bytes()
            .any(|b| !b.is_ascii_digit() && b != b'-');
        if word {
            format!(
                "must be random or a whole number from 0 to {} {}",
                thousands(u64::MAX),
                got(text.trim())
            )
        } else {
            e.problem
        }
    })
}

fn set<T: Copy>(target: &mut T, flag: Option<T>) {
    if let Some(value) = flag {
        *target = value;
    }
}

impl GenerateArgs {
    /// The parameters file's, if one was given.
    fn file_params(&self) -> Result<Option<GeneratorParams>, Failure> {
        let Some(path) = &self.params else {
            return Ok(None);
        };
        let text = read_small(path, MAX_PARAMS_BYTES, "the parameters file")?;
        GeneratorParams::from_json(&text)
            .map(Some)
            .map_err(|e| format!("{} in {} {}", e.field, path.display(), e.problem).into())
    }

    /// The parameters in force: the file's (or the defaults), then the flags.
    /// A random seed is drawn here, once, and said on standard error.
    fn with_flags(&self, mut p: GeneratorParams) -> Result<GeneratorParams, String> {
        match self.seed {
            Some(SeedArg::Given(seed)) => p.seed = seed,
            Some(SeedArg::Random) => {
                p.seed = Seed::random().map_err(|e| flags::message(&e))?;
                eprintln!(
                    "seed {} (drawn at random; --seed {} gives the same data again)",
                    p.seed, p.seed
                );
            }
            None => {}
        }
        set(&mut p.rows, self.rows);
        set(&mut p.baseline, self.baseline);
        set(&mut p.noise_sigma, self.noise_sigma);
        let w = &mut p.weights;
        set(&mut w.days_since_signup, self.weight_days_since_signup);
        set(&mut w.sessions_7d, self.weight_sessions_7d);
        set(&mut w.content_hours_7d, self.weight_content_hours_7d);
        set(&mut w.downloads_7d, self.weight_downloads_7d);
        set(&mut w.paywall_views_7d, self.weight_paywall_views_7d);
        set(&mut p.tier_effects.tier_1, self.tier_1_effect);
        set(&mut p.tier_effects.tier_2, self.tier_2_effect);
        set(&mut p.tier_effects.tier_3, self.tier_3_effect);
        set(&mut p.tier_mix.tier_1, self.tier_1_share);
        set(&mut p.tier_mix.tier_2, self.tier_2_share);
        set(&mut p.tier_mix.tier_3, self.tier_3_share);
        let d = &mut p.distributions;
        set(&mut d.days_since_signup.min, self.days_min);
        set(&mut d.days_since_signup.max, self.days_max);
        set(&mut d.sessions_7d.lambda, self.sessions_lambda);
        set(&mut d.content_hours_7d.shape, self.content_hours_shape);
        set(&mut d.content_hours_7d.scale, self.content_hours_scale);
        set(&mut d.downloads_7d.lambda, self.downloads_lambda);
        set(&mut d.paywall_views_7d.lambda, self.paywall_views_lambda);
        let offer_flags = [
            self.offer_effect,
            self.offer_fatigue,
            self.offer_tier_1_effect,
            self.offer_tier_2_effect,
            self.offer_tier_3_effect,
            self.treated_share,
        ];
        if offer_flags.iter().any(Option::is_some) || self.assignment_seed.is_some() {
            let o = p.offer.get_or_insert_with(OfferParams::default);
            set(&mut o.effect, self.offer_effect);
            set(&mut o.fatigue, self.offer_fatigue);
            set(&mut o.tier_effects.tier_1, self.offer_tier_1_effect);
            set(&mut o.tier_effects.tier_2, self.offer_tier_2_effect);
            set(&mut o.tier_effects.tier_3, self.offer_tier_3_effect);
            set(&mut o.treated_share, self.treated_share);
            set(&mut o.assignment_seed, self.assignment_seed);
        }
        Ok(p)
    }

    /// An error about a parameter, as the person set it: by its flag, unless
    /// its value (every value under it, for `tierMix`) is the parameters
    /// file's, then by its path in the file.
    fn message(
        &self,
        e: &(impl FieldError + ?Sized),
        file: Option<&GeneratorParams>,
        used: &GeneratorParams,
    ) -> String {
        let field = e.field();
        let mut under = PARAMETERS
            .iter()
            .filter(|s| s.key == field || s.key.starts_with(&format!("{field}.")))
            .peekable();
        match (&self.params, file) {
            (Some(path), Some(file))
                if under.peek().is_some() && under.all(|s| s.get(file) == s.get(used)) =>
            {
                format!("{field} in {} {}", path.display(), e.problem())
            }
            _ => flags::message(e),
        }
    }
}

/// Users generated and written at a time (about 1.5 MB of CSV).
const ROWS_PER_CHUNK: usize = 65_536;

/// Largest parameters file read, in bytes (a full one is about 1 KB).
const MAX_PARAMS_BYTES: u64 = 1 << 20;

pub fn run(args: GenerateArgs) -> Result<ExitCode, Failure> {
    let file = args.file_params()?;
    let params = args.with_flags(file.clone().unwrap_or_default())?;
    let valid = params
        .validate(MAX_ROWS_STREAMED)
        .map_err(|e| args.message(&e, file.as_ref(), &params))?;
    if args.print_params {
        let json = serde_json::to_string_pretty(valid.get()).map_err(|e| e.to_string())?;
        outln!("{json}")?;
        return Ok(ExitCode::SUCCESS);
    }
    let (mut sink, name): (Box<dyn Write>, String) = match &args.output {
        Some(path) => (
            Box::new(
                File::create(path).map_err(|e| format!("cannot create {}: {e}", path.display()))?,
            ),
            path.display().to_string(),
        ),
        None => (Box::new(io::stdout().lock()), "standard output".into()),
    };
    let mut write = |buffer: &mut Vec<u8>| -> Result<(), Failure> {
        sink.write_all(buffer)
            .map_err(|e| write_failure(&e, &name))?;
        buffer.clear();
        Ok(())
    };
    match valid.offer() {
        None => write_contract(&valid, &mut write)?,
        Some(offer) => {
            // Generate and write in chunks, as the contract CSV.
            let mut buffer = Vec::with_capacity(ROWS_PER_CHUNK * 30);
            write_experiment_header(&mut buffer);
            let mut generator = ExperimentGenerator::new(&valid, &offer);
            let mut chunk = Dataset::with_capacity(ROWS_PER_CHUNK);
            let (mut latent, mut treated) = (Latent::default(), Vec::new());
            while generator.remaining() > 0 {
                chunk.clear();
                latent.clear();
                treated.clear();
                generator.fill(ROWS_PER_CHUNK, &mut chunk, &mut latent, &mut treated);
                write_experiment_rows(&mut buffer, &chunk, &chunk.converted, &treated);
                write(&mut buffer)?;
            }
            write(&mut buffer)?;
        }
    }
    sink.flush().map_err(|e| write_failure(&e, &name))?;
    Ok(ExitCode::SUCCESS)
}

/// Streams the contract CSV of `valid` through `write`.
fn write_contract(
    valid: &ValidParams,
    write: &mut impl FnMut(&mut Vec<u8>) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let mut buffer = Vec::with_capacity(ROWS_PER_CHUNK * 28);
    write_header(&mut buffer);
    // Generate and write in chunks: constant memory for any row count, and
    // the generator's fast column-by-column path.
    let mut generator = Generator::new(valid);
    let mut chunk = Dataset::with_capacity(ROWS_PER_CHUNK);
    let mut latent = Latent::default();
    while generator.remaining() > 0 {
        chunk.clear();
        latent.clear();
        generator.fill(ROWS_PER_CHUNK, &mut chunk, &mut latent);
        write_rows(&mut buffer, &chunk);
        write(&mut buffer)?;
    }
    write(&mut buffer)
}
