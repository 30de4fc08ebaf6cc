//! The device agent (`pimgate sync`): keeps a vdir in step with a server collection over the native sync API.
