//! A half of a τ step's sums as bytes, for the page's two workers: each
//! number little-endian, a float by its bits, in a fixed order, so what
//! one worker sums the other reads back exactly.

use super::UpliftError;

/// Writes numbers one after another.
#[derive(Debug, Default)]
pub struct Writer(Vec<u8>);

impl Writer {
    /// Makes room for `bytes` more at once, so that what is written next
    /// is not copied as the bytes grow.
    pub fn reserve(&mut self, bytes: usize) {
        self.0.reserve(bytes);
    }

    pub fn u8(&mut self, x: u8) {
        self.0.push(x);
    }

    pub fn u32(&mut self, x: u32) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }

    pub fn u64(&mut self, x: u64) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }

    pub fn f64(&mut self, x: f64) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }

    /// A length, then that many counts.
    pub fn counts(&mut self, counts: &[u32]) {
        self.u32(counts.len() as u32);
        self.u32s(counts.iter().copied());
    }

    /// Numbers one after another, without their count.
    pub fn u32s(&mut self, xs: impl ExactSizeIterator<Item = u32>) {
        self.column(xs, u32::to_le_bytes);
    }

    pub fn f64s(&mut self, xs: impl ExactSizeIterator<Item = f64>) {
        self.column(xs, f64::to_le_bytes);
    }

    /// Numbers of `N` bytes each, as `to` writes them: room made once,
    /// then filled (not a push per byte run).
    fn column<const N: usize, T>(
        &mut self,
        xs: impl ExactSizeIterator<Item = T>,
        to: impl Fn(T) -> [u8; N],
    ) {
        let at = self.0.len();
        self.0.resize(at + N * xs.len(), 0);
        for (bytes, x) in self.0[at..].chunks_exact_mut(N).zip(xs) {
            bytes.copy_from_slice(&to(x));
        }
    }

    pub fn u8s(&mut self, xs: impl ExactSizeIterator<Item = u8>) {
        self.0.extend(xs);
    }

    /// A length, then that many items.
    pub fn all<T>(&mut self, items: &[T], mut each: impl FnMut(&mut Writer, &T)) {
        self.u32(items.len() as u32);
        for item in items {
            each(self, item);
        }
    }

    pub fn bytes(self) -> Vec<u8> {
        self.0
    }
}

/// Reads them back in the same order.
#[derive(Debug)]
pub struct Reader<'a> {
    bytes: &'a [u8],
}

fn short() -> UpliftError {
    UpliftError::new("half", "ends before its sums do")
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes }
    }

    fn take<const N: usize>(&mut self) -> Result<[u8; N], UpliftError> {
        let (head, rest) = self.bytes.split_first_chunk::<N>().ok_or_else(short)?;
        self.bytes = rest;
        Ok(*head)
    }

    pub fn u8(&mut self) -> Result<u8, UpliftError> {
        Ok(self.take::<1>()?[0])
    }

    pub fn u32(&mut self) -> Result<u32, UpliftError> {
        self.take().map(u32::from_le_bytes)
    }

    pub fn u64(&mut self) -> Result<u64, UpliftError> {
        self.take().map(u64::from_le_bytes)
    }

    pub fn f64(&mut self) -> Result<f64, UpliftError> {
        self.take().map(f64::from_le_bytes)
    }

    /// A length, then that many counts ([`Writer::counts`]); at most `most`.
    pub fn counts(&mut self, most: usize) -> Result<Vec<u32>, UpliftError> {
        let n = self.length(most, "counts")?;
        self.u32s(n)
    }

    /// A length of at most `most` of `what`.
    pub fn length(&mut self, most: usize, what: &str) -> Result<usize, UpliftError> {
        let n = self.u32()? as usize;
        if n > most {
            return Err(UpliftError::new(
                "half",
                format!("holds {n} {what} where at most {most} fit"),
            ));
        }
        Ok(n)
    }

    /// The next `n` bytes.
    fn slice(&mut self, n: usize) -> Result<&'a [u8], UpliftError> {
        let (head, rest) = self.bytes.split_at_checked(n).ok_or_else(short)?;
        self.bytes = rest;
        Ok(head)
    }

    /// `n` numbers of `N` bytes each, each read by `from` as they are
    /// iterated.
    fn column<const N: usize, T: 'a>(
        &mut self,
        n: usize,
        from: impl Fn([u8; N]) -> T + 'a,
    ) -> Result<impl ExactSizeIterator<Item = T> + 'a, UpliftError> {
        let bytes = self.slice(n.checked_mul(N).ok_or_else(short)?)?;
        Ok(bytes
            .chunks_exact(N)
            .map(move |c| from(c.try_into().expect("N bytes"))))
    }

    /// `n` numbers written by [`Writer::u32s`].
    pub fn u32s(&mut self, n: usize) -> Result<Vec<u32>, UpliftError> {
        Ok(self.column(n, u32::from_le_bytes)?.collect())
    }

    /// `n` numbers written by [`Writer::f64s`], read as they are iterated.
    pub fn f64_column(
        &mut self,
        n: usize,
    ) -> Result<impl ExactSizeIterator<Item = f64> + 'a, UpliftError> {
        self.column(n, f64::from_le_bytes)
    }

    /// `n` bytes written by [`Writer::u8s`].
    pub fn u8s(&mut self, n: usize) -> Result<Vec<u8>, UpliftError> {
        self.slice(n).map(<[u8]>::to_vec)
    }

    /// A length, then that many items; at most `most`.
    pub fn all<T>(
        &mut self,
        most: usize,
        mut each: impl FnMut(&mut Reader<'a>) -> Result<T, UpliftError>,
    ) -> Result<Vec<T>, UpliftError> {
        let n = self.length(most, "items")?;
        (0..n).map(|_| each(self)).collect()
    }

    /// Checks that nothing is left.
    pub fn end(self) -> Result<(), UpliftError> {
        if self.bytes.is_empty() {
            Ok(())
        } else {
            Err(UpliftError::new("half", "has bytes after its sums"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_come_back_to_the_bit() {
        let mut w = Writer::default();
        w.u8(7);
        w.u32(u32::MAX);
        w.u64(1 << 60);
        for x in [0.1, -0.0, f64::MIN_POSITIVE, f64::NAN] {
            w.f64(x);
        }
        w.all(&[1u32, 2, 3], |w, &x| w.u32(x));
        w.counts(&[4, 5]);
        w.u32s([6u32, 7].into_iter());
        w.f64s([0.25, f64::NEG_INFINITY].into_iter());
        w.u8s([8u8, 9, 10].into_iter());
        let bytes = w.bytes();
        let mut r = Reader::new(&bytes);
        assert_eq!(r.u8().unwrap(), 7);
        assert_eq!(r.u32().unwrap(), u32::MAX);
        assert_eq!(r.u64().unwrap(), 1 << 60);
        for x in [0.1, -0.0, f64::MIN_POSITIVE, f64::NAN] {
            assert_eq!(r.f64().unwrap().to_bits(), x.to_bits());
        }
        assert_eq!(r.all(3, |r| r.u32()).unwrap(), [1, 2, 3]);
        assert_eq!(r.counts(2).unwrap(), [4, 5]);
        assert_eq!(r.u32s(2).unwrap(), [6, 7]);
        assert_eq!(
            r.f64_column(2).unwrap().collect::<Vec<_>>(),
            [0.25, f64::NEG_INFINITY]
        );
        assert_eq!(r.u8s(3).unwrap(), [8, 9, 10]);
        r.end().unwrap();
        // Columns: too short, and a count that overflows.
        let tail = &bytes[bytes.len() - 27..];
        assert!(Reader::new(tail).u32s(7).is_err());
        assert!(Reader::new(tail).f64_column(4).is_err());
        assert!(Reader::new(tail).u8s(28).is_err());
        assert!(Reader::new(tail).f64_column(usize::MAX / 4).is_err());
        // Too short, too long, too many.
        assert!(Reader::new(&bytes[..3]).u64().is_err());
        let mut r = Reader::new(&bytes);
        r.u8().unwrap();
        assert!(r.end().is_err());
        let counted = &bytes[..bytes.len() - 27];
        let mut r = Reader::new(&counted[counted.len() - 28..]);
        assert!(r.all(2, |r| r.u32()).is_err());
        let mut r = Reader::new(&counted[counted.len() - 12..]);
        assert!(r.counts(1).is_err());
        assert!(Reader::new(&counted[counted.len() - 12..counted.len() - 1])
            .counts(2)
            .is_err());
    }
}
