"""Pure scoring: monthly metrics, grading schemes, scores, grades and ranks, their reliability, the
integrity flags and the department plan. Frames in, frames out; nothing here opens the store."""
