/*
 * words.c — CBV 2.0 bizStep and disposition words, vi + en (see words.h).
 */
#include "words.h"

#include <stddef.h>
#include <string.h>

struct word {
    const char *cbv, *vi, *en;
};

static const struct word biz_steps[] = {
    {"commissioning", "Tạo mã, ghi nhận lô/nhãn", "Commissioned (labelled)"},
    {"harvesting", "Thu hoạch", "Harvested"},
    {"packing", "Đóng gói, xếp pallet", "Packed"},
    {"unpacking", "Dỡ hàng khỏi pallet", "Unpacked"},
    {"shipping", "Xuất hàng", "Shipped"},
    {"receiving", "Nhận hàng", "Received"},
    {"accepting", "Chấp nhận hàng", "Accepted"},
    {"storing", "Lưu kho", "Stored"},
    {"inspecting", "Kiểm tra", "Inspected"},
    {"decommissioning", "Hủy nhãn", "Label voided"},
    {"loading", "Xếp lên xe", "Loaded"},
    {"departing", "Rời đi", "Departed"},
    {"arriving", "Đến nơi", "Arrived"},
    {"retail_selling", "Bán lẻ", "Sold at retail"},
    {"sensor_reporting", "Ghi số liệu cảm biến", "Sensor reading"},
    {"transforming", "Chế biến", "Processed"},
    {"other", "Khác", "Other"},
};

static const struct word dispositions[] = {
    {"active", "Đang lưu hành", "Active"},
    {"in_progress", "Đang xử lý", "In progress"},
    {"in_transit", "Đang vận chuyển", "In transit"},
    {"inactive", "Ngừng lưu hành", "Inactive"},
    {"destroyed", "Đã hủy", "Destroyed"},
    {"expired", "Hết hạn", "Expired"},
    {"sellable_accessible", "Có thể bán", "Sellable"},
    {"recalled", "Bị thu hồi", "Recalled"},
    {"damaged", "Hư hỏng", "Damaged"},
};

static const char *
lookup(const struct word *t, size_t n, const char *w, enum words_lang lang)
{
    if (w == NULL)
        return "";
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].cbv, w) == 0)
            return lang == WORDS_VI ? t[i].vi : t[i].en;
    return w;
}

const char *
words_biz_step(const char *step, enum words_lang lang)
{
    return lookup(biz_steps, sizeof biz_steps / sizeof biz_steps[0], step, lang);
}

const char *
words_disposition(const char *disp, enum words_lang lang)
{
    return lookup(dispositions, sizeof dispositions / sizeof dispositions[0], disp, lang);
}
