//! Reading and writing files for the commands, in bounded memory: a CSV is
//! fed to the core's reader in chunks, small files are refused past a size,
//! and a written file appears whole or not at all.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::Path;

use conversion_playground::errors::thousands;
use conversion_playground::world::csv_halves;
use conversion_playground::world::csv_read::{CsvError, CsvLimits, CsvReader, Layout, RowSink};
use conversion_playground::world::dataset::Dataset;

use crate::output::Failure;

/// Bytes read from a CSV at a time.
const CHUNK: usize = 1 << 18;

/// Reads the contract CSV at `path` into `data` (empty), checking `limits`.
/// The outer error is one of reading the file; the inner one says why it
/// does not meet the contract. A large regular file is cut in two between
/// lines and its halves read side by side, each in chunks
/// ([`csv_halves::read_halves`]): the same users and the same verdict as one
/// reader, in about half the time; a problem in either half and one reader
/// reads it again, for messages that name the right lines.
pub fn read_dataset(
    path: &Path,
    limits: CsvLimits,
    data: &mut Dataset,
) -> Result<Result<u64, CsvError>, Failure> {
    let cannot = |e: io::Error| Failure::Message(format!("cannot read {}: {e}", path.display()));
    let name = path.display().to_string();
    let mut file = File::open(path).map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    data.reserve_exact(csv_halves::room(meta.len(), limits));
    if meta.is_file() {
        if let Some(at) = cut_of(&mut file, meta.len()).map_err(cannot)? {
            let halves =
                csv_halves::read_halves(meta.len(), at, limits, data, |range, reader, sink| {
                    feed_range(path, range, reader, sink)
                });
            if let Some(rows) = halves.map_err(cannot)? {
                return Ok(Ok(rows));
            }
        }
        file.seek(SeekFrom::Start(0)).map_err(cannot)?;
    }
    read_csv_from(file, &name, limits, Layout::Contract, data)
}

/// Where the file of `len` bytes is cut in two ([`csv_halves::cut`]),
/// from a chunk read at its middle.
fn cut_of(file: &mut File, len: u64) -> io::Result<Option<u64>> {
    if !csv_halves::worth_cutting(len) {
        return Ok(None);
    }
    let mut around = Vec::with_capacity(CHUNK);
    file.seek(SeekFrom::Start(len / 2))?;
    file.take(CHUNK as u64).read_to_end(&mut around)?;
    Ok(csv_halves::cut(len, &around))
}

/// Feeds `reader` the bytes `range` of the file at `path` (its own handle,
/// so two halves are read side by side).
fn feed_range(
    path: &Path,
    range: Range<u64>,
    reader: &mut CsvReader,
    sink: &mut Dataset,
) -> io::Result<()> {
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(range.start))?;
    feed_chunks(file.take(range.end - range.start), reader, sink)
}

/// Feeds `reader` all of `input`, a chunk at a time, until it ends or the
/// reader can stop (a limit was passed).
fn feed_chunks(
    mut input: impl Read,
    reader: &mut CsvReader,
    sink: &mut impl RowSink,
) -> io::Result<()> {
    let mut buffer = vec![0u8; CHUNK];
    loop {
        let n = match input.read(&mut buffer) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if !reader.feed(&buffer[..n], sink) {
            return Ok(());
        }
    }
}

/// Reads the CSV of `layout` (the contract's, or an experiment's) at `path`
/// into `sink` in chunks, checking `limits` as it goes: the read stops at the
/// first line that passes one. The outer error is one of reading the file;
/// the inner one says why it does not meet the contract.
pub fn read_csv_as(
    path: &Path,
    limits: CsvLimits,
    layout: Layout,
    sink: &mut impl RowSink,
) -> Result<Result<u64, CsvError>, Failure> {
    let cannot = |e: io::Error| Failure::Message(format!("cannot read {}: {e}", path.display()));
    let file = File::open(path).map_err(cannot)?;
    read_csv_from(file, &path.display().to_string(), limits, layout, sink)
}

/// Reads a CSV of `layout` from `input` (a file, standard input) named
/// `name` in messages, as [`read_csv_as`] does.
pub fn read_csv_from(
    input: impl Read,
    name: &str,
    limits: CsvLimits,
    layout: Layout,
    sink: &mut impl RowSink,
) -> Result<Result<u64, CsvError>, Failure> {
    let mut reader = CsvReader::with_layout(limits, layout);
    feed_chunks(input, &mut reader, sink)
        .map_err(|e| Failure::Message(format!("cannot read {name}: {e}")))?;
    Ok(reader.finish(sink))
}

/// A small text file (a model, a parameters file), refused when it is
/// larger than `max` bytes instead of filling memory.
pub fn read_small(path: &Path, max: u64, what: &str) -> Result<String, Failure> {
    let cannot = |e: io::Error| format!("cannot read {what} {}: {e}", path.display());
    let file = File::open(path).map_err(cannot)?;
    let mut bytes = Vec::new();
    file.take(max + 1).read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.len() as u64 > max {
        return Err(Failure::Message(format!(
            "{what} {} is larger than {} bytes: it cannot be one",
            path.display(),
            thousands(max)
        )));
    }
    String::from_utf8(bytes)
        .map_err(|e| format!("{what} {} is not UTF-8 text: {e}", path.display()).into())
}

/// Writes `bytes` to `path` whole or not at all: into a temporary file in
/// the same folder, flushed to disk, then renamed over `path`. On any
/// failure (a full disk) the temporary file is removed and `path` is left
/// as it was.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let cannot = |e: io::Error| Failure::Message(format!("cannot write {}: {e}", path.display()));
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".conversion-").suffix(".tmp");
    #[cfg(unix)]
    {
        // As a plain create would (0666 less the umask), not tempfile's 0600.
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut temp = builder.tempfile_in(folder).map_err(cannot)?;
    temp.write_all(bytes).map_err(cannot)?;
    temp.as_file().sync_all().map_err(cannot)?;
    temp.persist(path).map_err(|e| cannot(e.error))?;
    Ok(())
}
