#include "prompts.hpp"
#include "protocol.hpp"

#include <stdexcept>

namespace proxmox::mcp {

namespace json = boost::json;

void prompt_registry::add(prompt_def prompt) {
    if (prompt.name.empty() || !prompt.get || find(prompt.name))
        throw std::invalid_argument("a prompt needs a unique name and a builder: " + prompt.name);
    prompts_.push_back(std::move(prompt));
}

const prompt_def* prompt_registry::find(std::string_view name) const noexcept {
    for (const auto& p : prompts_)
        if (p.name == name)
            return &p;
    return nullptr;
}

bool prompt_registry::can_complete() const noexcept {
    for (const auto& p : prompts_)
        for (const auto& a : p.arguments)
            if (a.complete)
                return true;
    return false;
}

json::object to_json(const prompt_def& prompt, std::string_view version) {
    json::object o{{"name", prompt.name}};
    bool titles = protocol::has_structured_output(version);
    if (titles && !prompt.title.empty())
        o["title"] = prompt.title;
    if (!prompt.description.empty())
        o["description"] = prompt.description;
    if (!prompt.arguments.empty()) {
        json::array args;
        for (const auto& a : prompt.arguments) {
            json::object arg{{"name", a.name}};
            if (titles && !a.title.empty())
                arg["title"] = a.title;
            if (!a.description.empty())
                arg["description"] = a.description;
            arg["required"] = a.required;
            args.push_back(std::move(arg));
        }
        o["arguments"] = std::move(args);
    }
    return o;
}

json::object user_text(std::string text) {
    return json::object{{"role", "user"},
                        {"content", json::object{{"type", "text"}, {"text", std::move(text)}}}};
}

} // namespace proxmox::mcp
