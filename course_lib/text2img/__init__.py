"""From a product description to a product image (lesson 07, 描述→图片): the colour edition of the catalog and
the attributes measured from images, which captions are built from and the attribute tagger learns."""
