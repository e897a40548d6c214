//! Any text as a parameters file: refused with a message naming a field, or
//! parameters whose users (at most 2,000) write a CSV that reads back the
//! same and whose zero tier shares hold no users.
#![no_main]

use conversion_playground::world::contract::Tier;
use conversion_playground::world::csv_read::parse_csv;
use conversion_playground::world::csv_write::to_csv;
use conversion_playground::world::generator::generate;
use conversion_playground::world::params::GeneratorParams;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let Ok(text) = std::str::from_utf8(input) else {
        return;
    };
    let params = match GeneratorParams::from_json(text) {
        Ok(p) => p,
        Err(e) => {
            assert!(!e.field.is_empty() && !e.problem.is_empty());
            return;
        }
    };
    let Ok(valid) = params.validate(2_000) else {
        return;
    };
    let mut data = generate(&valid);
    data.latent = None;
    let csv = to_csv(&data);
    assert_eq!(parse_csv(&csv, 2_000).unwrap(), data);
    let mix = &valid.get().tier_mix;
    for (share, tier) in [(mix.tier_1, Tier::Tier1), (mix.tier_2, Tier::Tier2), (mix.tier_3, Tier::Tier3)] {
        assert!(share > 0.0 || !data.country_tier.contains(&tier));
    }
});
