// Accept-Language negotiation and the French messages.
#include "adapters/http/language.hpp"

#include <boost/beast/core/string.hpp>

#include <charconv>

namespace switchboard::adapters {
using domain::errc;

namespace {
std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::string_view french(errc code) {
    switch (code) {
    case errc::invalid_request:
        return "La requête est invalide.";
    case errc::unauthorized:
        return "Identifiants manquants ou invalides.";
    case errc::forbidden:
        return "Cette action n'est pas autorisée.";
    case errc::conflict:
        return "L'état de la ressource ne permet pas ce changement.";
    case errc::not_found:
        return "URL de requête inconnue.";
    case errc::model_not_found:
        return "Modèle introuvable : aucun groupe, fournisseur/modèle ou préfixe ne correspond.";
    case errc::method_not_allowed:
        return "Méthode non autorisée pour ce chemin.";
    case errc::payload_too_large:
        return "Le corps de la requête est trop volumineux.";
    case errc::headers_too_large:
        return "Les en-têtes de la requête sont trop volumineux.";
    case errc::unsupported_media_type:
        return "Le corps de la requête doit être envoyé en application/json.";
    case errc::not_implemented:
        return "Ce codage de transfert n'est pas pris en charge.";
    case errc::unsupported:
        return "Ce déploiement ne prend pas en charge cette opération.";
    case errc::context_length_exceeded:
        return "Le prompt est trop long pour tous les déploiements qui pourraient le traiter.";
    case errc::content_policy_violation:
        return "Le fournisseur a refusé ce contenu.";
    case errc::provider_unavailable:
        return "Aucun fournisseur n'a pu répondre ; réessayez plus tard.";
    case errc::circuit_open:
        return "Tous les fournisseurs de ce modèle sont temporairement indisponibles.";
    case errc::budget_exhausted:
        return "Le budget de cette requête est épuisé pour cette priorité.";
    case errc::priority_shed:
        return "La capacité est insuffisante : les appels de cette priorité sont écartés pour l'instant.";
    case errc::rate_limit_exceeded:
        return "Limite de débit atteinte ; réessayez après le délai indiqué par Retry-After.";
    case errc::quota_exceeded:
        return "Quota épuisé ; il se renouvelle après le délai indiqué par Retry-After.";
    case errc::store_unavailable:
        return "Les limites ne peuvent pas être vérifiées pour le moment ; réessayez dans un instant.";
    case errc::upstream_error:
        return "Le fournisseur a renvoyé une erreur.";
    case errc::upstream_bad_response:
        return "Le fournisseur a renvoyé une réponse inexploitable.";
    case errc::timeout:
        return "La requête n'a pas abouti dans le délai imparti.";
    case errc::client_closed:
        return "Le client a fermé la requête avant la réponse.";
    case errc::internal_error:
        return "Erreur interne du serveur.";
    }
    return "Erreur interne du serveur.";
}
} // namespace

language preferred_language(std::string_view header) {
    language best = language::en;
    double best_q = -1;
    while (!header.empty()) {
        auto const comma = header.find(',');
        auto item = trim(header.substr(0, comma));
        header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
        double q = 1.0;
        if (auto semi = item.find(';'); semi != std::string_view::npos) {
            auto params = trim(item.substr(semi + 1));
            item = trim(item.substr(0, semi));
            if (params.size() > 2 && (params[0] == 'q' || params[0] == 'Q') && params[1] == '=') {
                auto [end, ec] = std::from_chars(params.data() + 2, params.data() + params.size(), q);
                if (ec != std::errc{}) q = 0;
            }
        }
        auto const primary = item.substr(0, item.find('-'));
        language const lang = boost::beast::iequals(primary, "fr") ? language::fr : language::en;
        if (q > best_q) {
            best_q = q;
            best = lang;
        }
    }
    return best_q > 0 ? best : language::en;
}

std::string localized_message(domain::gateway_error const& e, language lang) {
    if (lang == language::en) return e.message;
    std::string out(french(e.code));
    if (!e.param.empty()) {
        out.pop_back(); // the final period
        out += " (paramètre « " + e.param + " »).";
    }
    return out;
}

} // namespace switchboard::adapters
