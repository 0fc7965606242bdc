//! One cloud's values held by shared code: the provider's own type behind a trait object that can
//! still be cloned, compared, printed and, inside that provider's folders, read back as itself.
//!
//! Each seam trait (`CloudAnswers`, `CloudFacts`, `CloudStep`, ...) extends [`Erased`] (or
//! [`ErasedEq`]) and `dyn_clone::DynClone`; [`erased_trait!`] gives the trait object `Clone`,
//! `downcast_ref` and, for `ErasedEq`, `PartialEq`. Read a value back with `downcast_ref` on the trait object (never `as_any` on
//! a `Box`: the box itself would answer).

use std::any::Any;
use std::fmt::Debug;

/// A value whose concrete type only its provider knows.
pub trait Erased: Any + Debug + Send + Sync {
    #[doc(hidden)]
    fn as_any(&self) -> &dyn Any;
    #[doc(hidden)]
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

impl<T: Any + Debug + Send + Sync> Erased for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// An [`Erased`] value that can also be compared with another of its kind.
pub trait ErasedEq: Erased {
    #[doc(hidden)]
    fn eq_any(&self, other: &dyn Any) -> bool;
}

impl<T: Erased + PartialEq> ErasedEq for T {
    fn eq_any(&self, other: &dyn Any) -> bool {
        other.downcast_ref::<T>().is_some_and(|o| o == self)
    }
}

/// Gives `dyn $trait` what shared code needs: `Clone` for the box and `downcast_ref` /
/// `downcast_mut` for the provider that owns the value; with `eq`, `PartialEq` too (the trait then
/// extends [`ErasedEq`]).
#[macro_export]
macro_rules! erased_trait {
    ($trait:ident, eq) => {
        $crate::erased_trait!($trait);

        impl PartialEq for dyn $trait {
            fn eq(&self, other: &Self) -> bool {
                $crate::erased::ErasedEq::eq_any(self, $crate::erased::Erased::as_any(other))
            }
        }

        // What `#[derive(PartialEq)]` on a struct holding a `Box<dyn $trait>` calls (rust-lang/rust#31740).
        impl PartialEq<&Self> for Box<dyn $trait> {
            fn eq(&self, other: &&Self) -> bool {
                <dyn $trait as PartialEq>::eq(&**self, &***other)
            }
        }
    };
    ($trait:ident) => {
        dyn_clone::clone_trait_object!($trait);

        impl dyn $trait {
            /// The value as its provider's own type; `None` when it belongs to another provider.
            pub fn downcast_ref<T: 'static>(&self) -> Option<&T> {
                $crate::erased::Erased::as_any(self).downcast_ref::<T>()
            }

            /// The value as its provider's own type, to change it.
            pub fn downcast_mut<T: 'static>(&mut self) -> Option<&mut T> {
                $crate::erased::Erased::as_any_mut(self).downcast_mut::<T>()
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    trait Shape: ErasedEq + dyn_clone::DynClone {
        fn sides(&self) -> u32;
    }
    crate::erased_trait!(Shape, eq);

    #[derive(Debug, Clone, PartialEq)]
    struct Square(u32);
    impl Shape for Square {
        fn sides(&self) -> u32 {
            4
        }
    }
    #[derive(Debug, Clone, PartialEq)]
    struct Triangle;
    impl Shape for Triangle {
        fn sides(&self) -> u32 {
            3
        }
    }

    #[test]
    fn boxes_clone_compare_and_read_back_as_their_own_type() {
        let a: Box<dyn Shape> = Box::new(Square(2));
        let b = a.clone();
        assert_eq!(a, b);
        assert_ne!(a, Box::new(Square(3)) as Box<dyn Shape>);
        assert_ne!(a, Box::new(Triangle) as Box<dyn Shape>, "another type is never equal");
        assert_eq!(a.downcast_ref::<Square>(), Some(&Square(2)));
        assert!(a.downcast_ref::<Triangle>().is_none());
        assert_eq!(b.sides() + Triangle.sides(), 7);
        let mut c = b.clone();
        c.downcast_mut::<Square>().unwrap().0 = 5;
        assert_eq!(c.downcast_ref::<Square>(), Some(&Square(5)));
        assert_eq!(b.downcast_ref::<Square>(), Some(&Square(2)), "a clone is its own value");
    }
}
