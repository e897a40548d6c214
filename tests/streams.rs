//! Pins of each random stream and of each column it draws, for seed 42 at
//! the contract's defaults, so a broken CSV hash (tests/generator.rs) says
//! which column moved and why:
//! - a stream's raw words moved: the seeding or the ChaCha8 generator
//!   changed, and so does every column drawn from it;
//! - the words hold but a column moved: that column's sampler changed (its
//!   method, its parameters, the order of its operations);
//! - only `probability` moved: the score or the sigmoid changed (and then
//!   the labels, `converted`, move too).
//!
//! Every pin here is part of the contract (`docs/contract.md`,
//! "Determinism"): a change is a contract version change, never an update of
//! the numbers.
// Native only: the wasm build has its own tests (tests/wasm_*.rs).
#![cfg(not(target_arch = "wasm32"))]

use std::fmt::Debug;

use conversion_playground::world::contract::{Tier, CONTRACT_VERSION, MAX_ROWS_IN_MEMORY};
use conversion_playground::world::dataset::Dataset;
use conversion_playground::world::generator::generate;
use conversion_playground::world::params::GeneratorParams;
use conversion_playground::world::sampling::{stream, streams};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// The contract's table: which stream draws what.
const STREAMS: [(&str, u64, u64); 8] = [
    ("days_since_signup", streams::DAYS_SINCE_SIGNUP, 1),
    ("sessions_7d", streams::SESSIONS_7D, 2),
    ("content_hours_7d", streams::CONTENT_HOURS_7D, 3),
    ("downloads_7d", streams::DOWNLOADS_7D, 4),
    ("paywall_views_7d", streams::PAYWALL_VIEWS_7D, 5),
    ("country_tier", streams::COUNTRY_TIER, 6),
    ("noise z", streams::NOISE, 7),
    ("label draw u", streams::LABEL_DRAW, 8),
];

/// The first three 64-bit words of streams 1 to 8 of seed 42.
const RAW_WORDS_SEED_42: [[u64; 3]; 8] = [
    [0xb77fa8618dc9e890, 0x2abaa2d2a560359d, 0x7b7f8b60120ab297],
    [0x2f01169014e73fff, 0x4b5b215d4f91532a, 0x83b16c069bdd9099],
    [0x5c97cf068ade5889, 0x97a89ee5b9d01cc4, 0xbae7da7291d377bf],
    [0xe9387d550a099f36, 0xba469d332570709a, 0xa1547fa274fac810],
    [0x5a4cb4968c3403e3, 0xa06b31ce20af1fb4, 0x88d67d4c49ed5832],
    [0x5c10c10b145b40c4, 0xa770d59ec74d95e7, 0x648f123a7f6887bc],
    [0x20e5cc8835be27d0, 0x538a68c16dbb833d, 0x9d8dc577cebf4400],
    [0xd59b031cea50629e, 0x258beee523ba975d, 0xc2ae27cc10432ee5],
];

#[test]
fn stream_numbers_are_the_contracts() {
    for (column, number, contract) in STREAMS {
        assert_eq!(number, contract, "{column} draws from stream {contract}");
    }
}

#[test]
fn each_streams_first_raw_words_are_pinned() {
    for ((column, number, _), pinned) in STREAMS.iter().zip(RAW_WORDS_SEED_42) {
        let mut rng = stream(42, *number);
        let got = [rng.next_u64(), rng.next_u64(), rng.next_u64()];
        assert_eq!(
            got, pinned,
            "stream {number} ({column}) of seed 42 moved: the seeding or ChaCha8 changed, \
             so every column drawn from it moves"
        );
    }
}

fn sha256_hex(bytes: impl Iterator<Item = u8>) -> String {
    Sha256::digest(bytes.collect::<Vec<u8>>())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn u32_bytes(values: &[u32]) -> impl Iterator<Item = u8> + '_ {
    values.iter().flat_map(|v| v.to_le_bytes())
}

fn f64_bytes(values: &[f64]) -> impl Iterator<Item = u8> + '_ {
    values.iter().flat_map(|v| v.to_bits().to_le_bytes())
}

/// Compares one column's first draws and the SHA-256 of all its values with
/// their pins; a difference is described in `moved`.
fn check<T: PartialEq + Debug>(
    moved: &mut Vec<String>,
    column: &str,
    values: &[T],
    first: &[T],
    sha256: (String, &str),
) {
    let head = &values[..first.len()];
    if head != first || sha256.0 != sha256.1 {
        moved.push(format!(
            "{column}: first draws {head:?}, pinned {first:?}; SHA-256 of all 5,000 {}, pinned {}",
            sha256.0, sha256.1
        ));
    }
}

#[test]
fn each_columns_first_draws_are_pinned() {
    assert_eq!(CONTRACT_VERSION, 1, "a new contract version needs new pins");
    let data: Dataset = generate(
        &GeneratorParams::default()
            .validate(MAX_ROWS_IN_MEMORY)
            .unwrap(),
    );
    assert_eq!(data.len(), 5_000);
    let latent = data.latent.as_ref().unwrap();
    let mut moved = Vec::new();
    check(
        &mut moved,
        "days_since_signup (stream 1)",
        &data.days_since_signup,
        &[33, 43, 39, 10, 5, 29, 28, 50],
        (
            sha256_hex(u32_bytes(&data.days_since_signup)),
            "b040ac9d76b727edbbf9b2107cd16eaa80952ccf29cfc00a763bfd231143e56b",
        ),
    );
    check(
        &mut moved,
        "sessions_7d (stream 2)",
        &data.sessions_7d,
        &[1, 2, 3, 1, 2, 3, 3, 2],
        (
            sha256_hex(u32_bytes(&data.sessions_7d)),
            "a375090ab896e8e801b117be877e2a3c3c82d3d61a10e8012255d0540c390284",
        ),
    );
    check(
        &mut moved,
        "content_hours_7d (stream 3)",
        &data.content_hours_7d,
        &[1.79, 3.62, 0.85, 1.24, 5.83, 3.44, 3.39, 2.64],
        (
            sha256_hex(f64_bytes(&data.content_hours_7d)),
            "5994e38d5940bbd34308254d8bc23cbe354e097f414c65927caf75011e1221e0",
        ),
    );
    check(
        &mut moved,
        "downloads_7d (stream 4)",
        &data.downloads_7d,
        &[2, 1, 1, 2, 0, 2, 4, 1],
        (
            sha256_hex(u32_bytes(&data.downloads_7d)),
            "6e8c9731195df54d8494bc40e8eac6b779f965d62c6edf8cc8b1859284747c42",
        ),
    );
    check(
        &mut moved,
        "paywall_views_7d (stream 5)",
        &data.paywall_views_7d,
        &[1, 1, 1, 2, 1, 0, 0, 0],
        (
            sha256_hex(u32_bytes(&data.paywall_views_7d)),
            "b82b3c9453a9506d271af34c39793cba27ff8dea70888bae22eb603acb38cbac",
        ),
    );
    use Tier::{Tier1, Tier2, Tier3};
    check(
        &mut moved,
        "country_tier (stream 6)",
        &data.country_tier,
        &[Tier2, Tier2, Tier2, Tier3, Tier1, Tier1, Tier1, Tier1],
        (
            sha256_hex(data.country_tier.iter().map(|t| t.index() as u8)),
            "5f9715caa6a1f2ffb95bbdf687081f28749a715fba77b33bfafdced8d76b04d3",
        ),
    );
    check(
        &mut moved,
        "noise z (stream 7)",
        &latent.noise_z,
        &[
            -0.7210298260550787,
            -0.7134709452516966,
            0.9029510670071412,
            -0.021366028099228867,
            -0.5754484220592655,
            -0.25941085229068744,
            -0.9830136393893159,
            -1.04041798144609,
        ],
        (
            sha256_hex(f64_bytes(&latent.noise_z)),
            "d96f9ed7820a7aceec15e53c11b39dde604e99b8e5350714af74d15787363b80",
        ),
    );
    check(
        &mut moved,
        "label draw u (stream 8)",
        &latent.label_draw,
        &[
            0.8343965478509872,
            0.14666646093585656,
            0.760469901390263,
            0.4754559613425595,
            0.7170976432147793,
            0.22837943985015097,
            0.4287399203012817,
            0.07516159127098587,
        ],
        (
            sha256_hex(f64_bytes(&latent.label_draw)),
            "aef949ea36ba2137d641bcf21e66bb58a42305b409fc9713e8ab8f8abdfb4c4b",
        ),
    );
    check(
        &mut moved,
        "probability (the score of every column and z)",
        &latent.probability,
        &[
            0.7704185622148431,
            0.7814648403883909,
            0.9050689984220256,
            0.8800503634248164,
            0.9368577454764897,
            0.941169970372121,
            0.9608752409662842,
            0.6742927989392379,
        ],
        (
            sha256_hex(f64_bytes(&latent.probability)),
            "f59b778b3499618949b3d17dcd4360f3b6150ae68156fff981d5b54e8a170730",
        ),
    );
    check(
        &mut moved,
        "converted (u < probability)",
        &data.converted,
        &[false, true, true, true, true, true, true, true],
        (
            sha256_hex(data.converted.iter().map(|&c| u8::from(c))),
            "305c08138ea3180e442c5d0f882c1fe4dc0e2dcd28bf8960151a92b925a79ac6",
        ),
    );
    assert!(
        moved.is_empty(),
        "seed 42 at the defaults: these columns moved (a contract version change):\n{}",
        moved.join("\n")
    );
}
