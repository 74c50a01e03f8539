// SIGTERM and SIGINT for the long-running commands (tail, run): the first
// asks for a clean stop, the second exits at once (status 130). SIGPIPE is
// ignored, so a closed stdout is an error value, not death.
#pragma once

namespace sluice::app {

void install_stop_handlers();

// True once a stop signal arrived.
[[nodiscard]] bool stop_signalled();

}  // namespace sluice::app
