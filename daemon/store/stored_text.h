// The one rule for text that enters the results database (names from models, files and configs, error
// messages): it is stored as valid UTF-8, so that every output made from it -- JSON, CSV, HTML, Prometheus,
// the terminal -- stays valid whatever bytes a file name or a model held. Invalid UTF-8 bytes, NUL and the
// other control characters become the four characters \xNN (the byte in hex); single-line text (every
// name, every error) escapes line breaks and tabs too, so no name can forge a log or table line.
// Multi-line text (a run's configuration) keeps \n, \r and \t.
#pragma once

#include <string>
#include <string_view>

namespace eb::store {

enum class TextLines { kSingle, kMulti };

std::string stored_text(std::string_view raw, TextLines lines = TextLines::kSingle);

}  // namespace eb::store
