// Precompiled header for every LibTorch translation unit. Only heavy, stable headers belong here.
#pragma once
#include <torch/torch.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>
