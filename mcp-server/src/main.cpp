#include "app.hpp"

int main(int argc, char** argv) {
    return proxmox::mcp::run(argc, argv);
}
