"""E-mail notices (issue 15, part 4): what is sent (`notices`, pure), the queue and its sending
(`outbox`), and the weekly digest to the directors (`digest`)."""
